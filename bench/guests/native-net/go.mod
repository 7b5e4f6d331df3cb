module bench/nativenet

go 1.25

require bench/netbench v0.0.0

replace bench/netbench => ../netbench
