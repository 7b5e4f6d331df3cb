module bench/witgohttp

go 1.25
