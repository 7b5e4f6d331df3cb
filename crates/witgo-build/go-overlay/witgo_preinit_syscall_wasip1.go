// Copyright: added by witgo to Go's syscall package through `go build -overlay`.
// This file is not part of Go; see witgo's crates/witgo-build/src/preinit.rs.

//go:build wasip1 && witgo_preinit

package syscall

import _ "unsafe" // for go:linkname

//go:linkname runtime_witgoOnResume runtime.witgoOnResume
func runtime_witgoOnResume(f func())

func init() { runtime_witgoOnResume(witgoResume) }

// witgoResume gives a pre-initialised instance its own environment and
// preopened directories: the snapshot holds the build's (none).
func witgoResume() {
	copyenv() // done once already or now; either way env is rebuilt below
	envLock.Lock()
	envs = runtime_envs()
	env = make(map[string]int)
	for i, s := range envs {
		for j := 0; j < len(s); j++ {
			if s[j] == '=' {
				key := s[:j]
				if _, ok := env[key]; !ok {
					env[key] = i
				} else {
					envs[i] = "" // as copyenv: only the first mention counts
				}
				break
			}
		}
	}
	envLock.Unlock()

	preopens = nil
	dirNameBuf := make([]byte, 256)
	for preopenFd := int32(3); ; preopenFd++ {
		var prestat prestat
		errno := fd_prestat_get(preopenFd, &prestat)
		if errno == EBADF {
			break
		}
		if errno == ENOTDIR || prestat.typ != preopentypeDir {
			continue
		}
		if errno != 0 {
			panic("fd_prestat: " + errno.Error())
		}
		if int(prestat.dir.prNameLen) > len(dirNameBuf) {
			dirNameBuf = make([]byte, prestat.dir.prNameLen)
		}
		errno = fd_prestat_dir_name(preopenFd, &dirNameBuf[0], prestat.dir.prNameLen)
		if errno != 0 {
			panic("fd_prestat_dir_name: " + errno.Error())
		}
		preopens = append(preopens, opendir{
			fd:   preopenFd,
			name: string(dirNameBuf[:prestat.dir.prNameLen]),
		})
	}
	cwd = ""
	if cwd, _ = Getenv("PWD"); cwd != "" {
		cwd = joinPath("/", cwd)
	} else if len(preopens) > 0 {
		cwd = preopens[0].name
	}
}
