package mock_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// ExampleNew serves the bundled Aelyst API on an httptest server and gets a contact, first without and then
// with the bearer token the spec's security scheme asks for.
func ExampleNew() {
	ctx := context.Background()
	api, err := openapi.Load(ctx, "aelyst")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := mock.New([]*openapi.API{api}, mock.Config{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()

	for _, token := range []string{"", "Bearer my-token"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/aelyst/v1/contact/id:1", nil)
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fmt.Println(resp.StatusCode, string(body))
			continue
		}
		fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Output:
	// 401 {"code":401,"message":"UN_AUTHORIZED"}
	// 200 application/json
}
