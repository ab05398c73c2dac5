module github.com/neardup/neardup/examples/workers

go 1.26.0

require (
	github.com/neardup/neardup v0.0.0
	github.com/neardup/neardup/redisstore v0.0.0
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	github.com/RoaringBitmap/roaring/v2 v2.30.0 // indirect
	github.com/bits-and-blooms/bitset v1.24.4 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/mschoch/smat v0.2.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace (
	github.com/neardup/neardup => ../..
	github.com/neardup/neardup/redisstore => ../../redisstore
)
