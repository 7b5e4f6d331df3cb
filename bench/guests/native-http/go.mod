module bench/nativehttp

go 1.25
