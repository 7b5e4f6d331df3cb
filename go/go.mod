module witgo

go 1.25
