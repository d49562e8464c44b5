# AUTH with a password or an ACL user; database selection.

use Test::Nginx::Socket;
use lib 't/inc';
use ApiTest;

repeat_each(1);

plan tests => repeat_each() * 19;

run_tests();

__DATA__

=== TEST 1: requirepass: AUTH with the password
--- api_setup
redis('CONFIG', 'SET', 'requirepass', 'test-secret');
$ApiTest::Password = 'test-secret';
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_password test-secret;
--- config
    location = /health { api_health; }
--- request
GET /health
--- api_check
is(scalar(redis_clients()), 2, 'both connections authenticated');
--- response_body_like: "status":"up"
--- no_error_log
[error]
[alert]



=== TEST 2: a wrong password: 503, and Redis's answer in the log
--- api_setup
redis('CONFIG', 'SET', 'requirepass', 'test-secret');
$ApiTest::Password = 'test-secret';
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_password not-the-secret;
--- config
    location = /health { api_health; }
--- request
GET /health
--- error_code: 503
--- response_body_like: "code":"redis_unavailable"
--- error_log
AUTH failed: WRONGPASS
--- no_error_log
[alert]



=== TEST 3: an ACL user
--- api_setup
redis('ACL', 'SETUSER', 'apitest', 'on', '>acl-secret', '~*', '&*', '+@all');
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_username apitest;
    api_redis_password acl-secret;
--- config
    location = /health { api_health; }
--- request
GET /health
--- api_check
is(scalar(grep { /\buser=apitest\b/ } redis_clients()), 2,
   'both connections run as the ACL user');
--- response_body_like: "status":"up"
--- no_error_log
[error]
[alert]



=== TEST 4: database selection
--- http_config
    api_redis_server 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    api_redis_database 5;
--- config
    location = /health { api_health; }
--- request
GET /health
--- api_check
is(scalar(grep { /\bdb=5\b/ } redis_clients()), 2,
   'both connections selected database 5');
--- response_body_like: "status":"up"
--- no_error_log
[error]
[alert]
