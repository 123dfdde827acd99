// Benchmark (bench/run): one server setting's value, by name (e.g. the limit on the memory of
// all transactions, dbms.memory.transaction.total.max).
SHOW SETTINGS YIELD name, value
WHERE name = $setting
RETURN value
