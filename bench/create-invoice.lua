-- wrk script: POST a new 10 USD invoice with the benchmark business's key.
wrk.method = "POST"
wrk.body = '{"amount": 10, "crypto": "ALL"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["MB-API-KEY"] = os.getenv("MIMBLA_BENCH_KEY")
