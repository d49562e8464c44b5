# Bad configuration fails at start-up, naming the bad value.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);

plan tests => repeat_each() * (blocks() * 2);

run_tests();

__DATA__

=== TEST 1: an address with a bad port
--- http_config
    api_redis_server 127.0.0.1:99999;
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid Redis address "127.0.0.1:99999": invalid port\E}



=== TEST 2: an address with a path
--- http_config
    api_redis_server 127.0.0.1:6379/db;
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid Redis address "127.0.0.1:6379/db"\E}



=== TEST 3: a unix socket path that cannot fit in sun_path
--- http_config eval
"api_redis_server unix:/" . ("x" x 200) . ";"
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr/\[emerg\] .*unix socket path "unix:\/x{200}" is too long/



=== TEST 4: a timeout that is not a time
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_timeout 10parsecs;
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid time "10parsecs" in "api_redis_timeout"\E}



=== TEST 5: a zero connect timeout
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_connect_timeout 0;
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid time "0" in "api_redis_connect_timeout"\E}



=== TEST 6: api_health without api_redis_server
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr/\[emerg\] .*the Redis-backed location at \S+nginx\.conf:\d+ needs "api_redis_server"/



=== TEST 7: too many connections
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_connections 65;
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid value "65" in "api_redis_connections": must be a number from 1 to 64\E}



=== TEST 8: a database number that is not a number
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_database one;
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid value "one" in "api_redis_database": must be a number from 0 to 65535\E}



=== TEST 9: a user name without a password
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_username apitest;
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_redis_username" "apitest" needs "api_redis_password"\E}



=== TEST 10: api_redis_server is an http-level directive
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /health {
        api_redis_server 127.0.0.1:6379;
        api_health;
    }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_redis_server" directive is not allowed here\E}



=== TEST 11: a duplicate api_redis_server
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_server 127.0.0.1:6379;
--- config
    location = /health { api_health; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_redis_server" directive is duplicate\E}



=== TEST 12: api_limit_req names a zone nobody defined
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /x/ { api_limit_req zone=nope; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qunknown api_limit_req_zone "nope"\E}



=== TEST 13: a rate that is not r/s or r/m
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=a:1m rate=10r/h;
--- config
    location /x/ { api_limit_req zone=a; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid rate "rate=10r/h"\E}



=== TEST 14: a zone without a size, or too small
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=a:8k rate=1r/s;
--- config
    location /x/ { api_limit_req zone=a; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qzone "zone=a:8k" is too small\E}



=== TEST 15: a zone name that cannot go into a header
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=a"b:1m rate=1r/s;
--- config
    location /x/ { }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid zone "zone=a"b:1m"\E}



=== TEST 16: the same zone twice
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=a:1m rate=1r/s;
    api_limit_req_zone $http_x zone=a:1m rate=2r/s;
--- config
    location /x/ { }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qduplicate zone "a"\E}



=== TEST 17: a bad burst, an unknown parameter
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=a:1m rate=1r/s;
--- config
    location /x/ { api_limit_req zone=a burst=-1; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid burst value "burst=-1"\E}



=== TEST 18: a zone's fail= mode must be known
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_limit_req_zone $binary_remote_addr zone=a:1m rate=1r/s fail=maybe;
--- config
    location /x/ { }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid parameter "fail=maybe"\E}



=== TEST 19: api_key without api_redis_server
--- config
    location /x/ { api_key on; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*needs "api_redis_server" in the "http" block}



=== TEST 20: api_key_scope with a character a scope cannot hold
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location /x/ { api_key on; api_key_scope a:b; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qinvalid scope name "a:b"\E}



=== TEST 21: api_keys needs a prefix location ending with /
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /keys { api_keys; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api_keys" needs a prefix location that ends with "/", not "/keys"\E}



=== TEST 21b: api needs a prefix location, not an exact match
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /v1/ { api; api_collection items; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Q"api" needs a prefix location, not the exact match "= /v1/"\E}



=== TEST 22: api_limit_req cannot name the metrics zone
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /m { api_metrics; }
    location /x/ { api_limit_req zone=ngx_http_api_metrics; }
--- must_die
--- suppress_stderr
--- error_log eval
qr{\[emerg\] .*\Qunknown api_limit_req_zone "ngx_http_api_metrics"\E}
