module example.com/httpapi

go 1.25
