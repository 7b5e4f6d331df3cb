module bench/gofloor

go 1.25
