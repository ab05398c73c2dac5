package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neardup/neardup"
	"github.com/neardup/neardup/redisstore"
	"github.com/redis/go-redis/v9"
)

// Workers share one index through a Store on the server; when the server
// cannot be reached, the error says so and the caller decides: retry,
// treat the article as new (fail open) or hold it back (fail closed).
func ExampleNew() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 []string{"127.0.0.1:1"}, // nothing listens here
		DialTimeout:           100 * time.Millisecond,
		ContextTimeoutEnabled: true,
		MaxRetries:            -1,
	})
	defer client.Close()
	ctx := context.Background()
	store, err := redisstore.New(ctx, client, redisstore.Config{
		Partition: "news-fr",
		Options:   neardup.Options{Window: 72 * time.Hour},
	})
	if errors.Is(err, redisstore.ErrUnavailable) {
		fmt.Println("server unavailable: retry later or fail open")
		return
	}
	if err != nil {
		panic(err)
	}
	stage, err := neardup.NewStage(store)
	if err != nil {
		panic(err)
	}
	d, err := stage.AddString(ctx, "afp-1", "Le texte de la dépêche…", time.Now())
	fmt.Println(d.New, err)
	// Output:
	// server unavailable: retry later or fail open
}
