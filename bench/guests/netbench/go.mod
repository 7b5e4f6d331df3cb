module bench/netbench

go 1.25
