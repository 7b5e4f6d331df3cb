// Command witgo-net is witgo's contender in the sockets rows: the program
// of bench/guests/native-net, dialling through wasinet over wasi:sockets
// 0.3 instead of net.
package main

import (
	"bench/witgonet/gen/witgo/wasinet"
	"bench/netbench"
)

func main() { netbench.Main(wasinet.Dial) }
