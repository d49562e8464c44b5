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
