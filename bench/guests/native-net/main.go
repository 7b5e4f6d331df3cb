// Command native-net is the sockets rows' reference line: the benchmark
// program on native Go, dialling with net.Dial.
package main

import (
	"net"

	"bench/netbench"
)

func main() { netbench.Main(net.Dial) }
