-- wrk script: GET one invoice with the benchmark business's key.
wrk.method = "GET"
wrk.headers["MB-API-KEY"] = os.getenv("MIMBLA_BENCH_KEY")
