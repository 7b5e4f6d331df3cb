module bench/witgo

go 1.25
