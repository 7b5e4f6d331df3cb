module bench/witgotasks

go 1.25
