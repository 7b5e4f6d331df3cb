module bench/witgorawhttp

go 1.25
