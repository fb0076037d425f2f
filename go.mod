module qfpos

go 1.26.0

require (
	go.etcd.io/bbolt v1.4.3
	golang.org/x/text v0.43.0
	golang.org/x/time v0.16.0
)

require (
	github.com/pelletier/go-toml/v2 v2.4.3 // indirect
	golang.org/x/sys v0.29.0 // indirect
)
