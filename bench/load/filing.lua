-- wrk script: files road-damage reports, each with its own Idempotency-Key, so every
-- request is a real new filing (request row, event, idempotency key, two outbox rows,
-- one durable commit).
--   wrk -t2 -c16 -d20s --latency -s bench/load/filing.lua http://127.0.0.1:8080
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

local body = [[{"service_code":"epm-road-damage","locale":"ar",
"applicant":{"name":"مستفيد تجريبي","phone":"0501234567","email":"bench@example.sa"},
"answers":{"damage":"pothole","danger":"no","details":"حفرة في الطريق","location":{"address":"الدمام"}},
"location":{"lat":26.43,"lng":50.1}}]]

local counter = 0
function request()
  counter = counter + 1
  local key = string.format("bench-%d-%d-%d", tid, os.time(), counter)
  return wrk.format("POST", "/api/v1/requests",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }, body)
end

local non_201 = 0
function response(status)
  if status ~= 201 then non_201 = non_201 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("filings: %d, non-201 responses: %d, errors: %d\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
