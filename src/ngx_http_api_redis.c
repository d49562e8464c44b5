
/*
 * ngx_http_api_module: the per-worker Redis engine.
 *
 * A few persistent hiredis async connections per worker, driven by nginx
 * events (the adapter, redis_event.c).  Each connection goes connecting
 * -> handshake (AUTH, SELECT, SCRIPT LOAD, CLIENT SETNAME, pipelined) ->
 * ready, and back to idle with a jittered exponential backoff when
 * anything fails.  Requests share the
 * connections (pipelining); their commands are redis_cmd.c's.
 */


#include <sys/un.h>

#include "ngx_http_api_redis_int.h"
#include "ngx_http_api_ctx.h"
#include "ngx_http_api_metrics.h"


static ngx_int_t ngx_http_api_redis_handshake(ngx_http_api_redis_conn_t *conn);
static void ngx_http_api_redis_ready(ngx_http_api_redis_conn_t *conn);
static void ngx_http_api_redis_reset(ngx_http_api_redis_conn_t *conn,
    ngx_int_t status);
static void ngx_http_api_redis_schedule(ngx_http_api_redis_conn_t *conn);
static ngx_uint_t ngx_http_api_redis_failed(ngx_http_api_redis_conn_t *conn);

static void ngx_http_api_redis_connect_cb(const redisAsyncContext *ac,
    int status);
static void ngx_http_api_redis_disconnect_cb(const redisAsyncContext *ac,
    int status);
static void ngx_http_api_redis_step_cb(redisAsyncContext *ac, void *rep,
    void *privdata);

static void ngx_http_api_redis_timer_handler(ngx_event_t *ev);
static void ngx_http_api_redis_reconnect_handler(ngx_event_t *ev);
static void ngx_http_api_redis_lost(ngx_http_api_redis_conn_t *conn);
static void ngx_http_api_redis_closed(ngx_http_api_redis_conn_t *conn);



/*
 * Creates this worker's engine and starts connecting.  Memory comes from
 * the cycle pool; tokens are malloc'd and freed in exit_process.
 */

ngx_int_t
ngx_http_api_redis_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t                  i;
    ngx_http_api_redis_t       *engine;
    ngx_http_api_redis_conn_t  *conn;

    engine = ngx_pcalloc(cycle->pool, sizeof(ngx_http_api_redis_t));
    if (engine == NULL) {
        return NGX_ERROR;
    }

    engine->amcf = amcf;
    engine->log = cycle->log;
    engine->nconns = amcf->connections;
    ngx_queue_init(&engine->free);

    ngx_sprintf(engine->client_name, "ngx_http_api:%P%Z", ngx_pid);

    engine->conns = ngx_pcalloc(cycle->pool,
                        engine->nconns * sizeof(ngx_http_api_redis_conn_t));
    if (engine->conns == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < engine->nconns; i++) {
        conn = &engine->conns[i];

        conn->engine = engine;
        conn->index = i;
        conn->backoff = NGX_HTTP_API_REDIS_BACKOFF_MIN;
        ngx_queue_init(&conn->pending);

        /* AUTH, SELECT, CLIENT SETNAME and one SCRIPT LOAD per script */
        conn->steps = ngx_pcalloc(cycle->pool,
                                  (3 + amcf->scripts.nelts)
                                  * sizeof(ngx_http_api_redis_step_t));
        if (conn->steps == NULL) {
            return NGX_ERROR;
        }

        conn->timer.handler = ngx_http_api_redis_timer_handler;
        conn->timer.data = conn;
        conn->timer.log = cycle->log;

        conn->reconnect.handler = ngx_http_api_redis_reconnect_handler;
        conn->reconnect.data = conn;
        conn->reconnect.log = cycle->log;
        conn->reconnect.cancelable = 1;

        conn->lost = ngx_http_api_redis_lost;
        conn->closed = ngx_http_api_redis_closed;
        ngx_http_api_redis_event_init(conn, cycle->log);

        ngx_http_api_metrics_conn_state(amcf, NGX_HTTP_API_M_CONN_NONE,
                                        NGX_HTTP_API_REDIS_IDLE);
    }

    amcf->redis = engine;

    for (i = 0; i < engine->nconns; i++) {
        ngx_http_api_redis_connect(&engine->conns[i]);
    }

    return NGX_OK;
}


/*
 * Closes every connection.  Pending commands are dropped without touching
 * their requests (the worker is going away); tokens are freed here.
 */

void
ngx_http_api_redis_exit_process(ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t                  i;
    ngx_queue_t                *q;
    ngx_http_api_redis_t       *engine;
    ngx_http_api_redis_conn_t  *conn;
    ngx_http_api_redis_cmd_t   *cmd;

    engine = amcf->redis;
    if (engine == NULL) {
        return;
    }

    engine->exiting = 1;

    for (i = 0; i < engine->nconns; i++) {
        conn = &engine->conns[i];

        if (conn->reconnect.timer_set) {
            ngx_del_timer(&conn->reconnect);
        }

        if (conn->ac != NULL) {
            ngx_http_api_redis_reset(conn, NGX_HTTP_SERVICE_UNAVAILABLE);
        }

        if (conn->timer.timer_set) {
            ngx_del_timer(&conn->timer);
        }
    }

    while (!ngx_queue_empty(&engine->free)) {
        q = ngx_queue_head(&engine->free);
        ngx_queue_remove(q);
        cmd = ngx_queue_data(q, ngx_http_api_redis_cmd_t, queue);
        ngx_free(cmd);
    }

    amcf->redis = NULL;
}


void
ngx_http_api_redis_connect(ngx_http_api_redis_conn_t *conn)
{
    ngx_uint_t                  level;
    redisAsyncContext          *ac;
    ngx_http_api_redis_t       *engine;
    ngx_http_api_main_conf_t   *amcf;

    engine = conn->engine;
    amcf = engine->amcf;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, engine->log, 0,
                   "api redis #%ui connect to \"%V\"",
                   conn->index, &amcf->server);

    if (amcf->unix_path != NULL) {
        ac = redisAsyncConnectUnix((const char *) amcf->unix_path);

    } else {
        ac = redisAsyncConnect((const char *) amcf->host, amcf->port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ALERT, engine->log, 0,
                      "api redis #%ui: cannot allocate a context",
                      conn->index);
        (void) ngx_http_api_redis_failed(conn);
        ngx_http_api_redis_schedule(conn);
        return;
    }

    if (ac->err) {
        /* ngx_log_error() evaluates its level twice */
        level = ngx_http_api_redis_failed(conn);
        ngx_log_error(level, engine->log, 0,
                      "api redis #%ui: connect to \"%V\" failed: %s",
                      conn->index, &amcf->server, ac->errstr);
        redisAsyncFree(ac);
        ngx_http_api_redis_schedule(conn);
        return;
    }

    if (ngx_http_api_redis_event_attach(conn, ac) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, engine->log, 0,
                      "api redis #%ui: no free worker connection",
                      conn->index);
        redisAsyncFree(ac);
        (void) ngx_http_api_redis_failed(conn);
        ngx_http_api_redis_schedule(conn);
        return;
    }

    ngx_http_api_redis_state(conn, NGX_HTTP_API_REDIS_CONNECTING);
    conn->reset_status = 0;

    ac->data = conn;

    (void) redisAsyncSetConnectCallback(ac, ngx_http_api_redis_connect_cb);
    (void) redisAsyncSetDisconnectCallback(ac,
                                           ngx_http_api_redis_disconnect_cb);

    conn->timer.cancelable = 1;
    ngx_add_timer(&conn->timer, amcf->connect_timeout);

    if (ngx_http_api_redis_handshake(conn) != NGX_OK) {
        ngx_http_api_redis_reset(conn, NGX_HTTP_SERVICE_UNAVAILABLE);
    }
}


/*
 * Queues the handshake behind the (non-blocking) connect; hiredis writes
 * it once the socket is connected.  The connection is ready when the last
 * step answers.
 */

static ngx_int_t
ngx_http_api_redis_handshake(ngx_http_api_redis_conn_t *conn)
{
    int                         argc;
    ngx_uint_t                  i;
    const char                 *argv[3];
    size_t                      argvlen[3];
    redisAsyncContext          *ac;
    ngx_http_api_script_t     **script;
    ngx_http_api_redis_step_t  *step;
    ngx_http_api_main_conf_t   *amcf;

    amcf = conn->engine->amcf;
    ac = conn->ac;
    conn->nsteps = 0;

    if (amcf->password.len) {
        argc = 0;
        argv[argc] = "AUTH";
        argvlen[argc++] = 4;

        if (amcf->username.len) {
            argv[argc] = (const char *) amcf->username.data;
            argvlen[argc++] = amcf->username.len;
        }

        argv[argc] = (const char *) amcf->password.data;
        argvlen[argc++] = amcf->password.len;

        step = &conn->steps[conn->nsteps++];
        step->conn = conn;
        step->what = "AUTH";
        step->optional = 0;

        if (redisAsyncCommandArgv(ac, ngx_http_api_redis_step_cb, step,
                                  argc, argv, argvlen)
            != REDIS_OK)
        {
            return NGX_ERROR;
        }
    }

    if (amcf->database) {
        step = &conn->steps[conn->nsteps++];
        step->conn = conn;
        step->what = "SELECT";
        step->optional = 0;

        if (redisAsyncCommand(ac, ngx_http_api_redis_step_cb, step,
                              "SELECT %d", (int) amcf->database)
            != REDIS_OK)
        {
            return NGX_ERROR;
        }
    }

    script = amcf->scripts.elts;

    for (i = 0; i < amcf->scripts.nelts; i++) {
        argv[0] = "SCRIPT";
        argvlen[0] = 6;
        argv[1] = "LOAD";
        argvlen[1] = 4;
        argv[2] = (const char *) script[i]->source.data;
        argvlen[2] = script[i]->source.len;

        step = &conn->steps[conn->nsteps++];
        step->conn = conn;
        step->what = "SCRIPT LOAD";
        step->optional = 0;

        if (redisAsyncCommandArgv(ac, ngx_http_api_redis_step_cb, step,
                                  3, argv, argvlen)
            != REDIS_OK)
        {
            return NGX_ERROR;
        }
    }

    step = &conn->steps[conn->nsteps++];
    step->conn = conn;
    step->what = "CLIENT SETNAME";
    step->optional = 1;

    if (redisAsyncCommand(ac, ngx_http_api_redis_step_cb, step,
                          "CLIENT SETNAME %s", conn->engine->client_name)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    conn->steps_left = conn->nsteps;

    return NGX_OK;
}


static void
ngx_http_api_redis_step_cb(redisAsyncContext *ac, void *rep, void *privdata)
{
    redisReply                 *reply = rep;
    ngx_http_api_redis_step_t  *step = privdata;

    ngx_http_api_redis_conn_t  *conn;

    if (reply == NULL) {
        /* the context is being freed; the cleanup hook handles it */
        return;
    }

    conn = step->conn;

    if (reply->type == REDIS_REPLY_ERROR && step->optional) {
        /* e.g. an ACL user without +client: the name is only a label */
        if (!conn->engine->setname_warned) {
            ngx_log_error(NGX_LOG_WARN, conn->engine->log, 0,
                          "api redis #%ui: %s failed, going on without "
                          "it: %*s", conn->index, step->what,
                          (size_t) reply->len, reply->str);
            conn->engine->setname_warned = 1;
        }

    } else if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, conn->engine->log, 0,
                      "api redis #%ui: %s failed: %*s",
                      conn->index, step->what,
                      (size_t) reply->len, reply->str);
        (void) ngx_http_api_redis_failed(conn);
        ngx_http_api_redis_reset(conn, NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, conn->engine->log, 0,
                   "api redis #%ui: %s ok", conn->index, step->what);

    if (--conn->steps_left == 0) {
        ngx_http_api_redis_ready(conn);
    }
}


static void
ngx_http_api_redis_ready(ngx_http_api_redis_conn_t *conn)
{
    ngx_queue_t               *q;
    ngx_http_api_redis_cmd_t  *cmd;

    if (conn->failures) {
        ngx_log_error(NGX_LOG_NOTICE, conn->engine->log, 0,
                      "api redis #%ui: connected to \"%V\" again",
                      conn->index, &conn->engine->amcf->server);

    } else {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, conn->engine->log, 0,
                       "api redis #%ui: ready, %ui commands queued",
                       conn->index, conn->npending);
    }

    ngx_http_api_redis_state(conn, NGX_HTTP_API_REDIS_READY);
    conn->failures = 0;
    conn->backoff = NGX_HTTP_API_REDIS_BACKOFF_MIN;

    if (conn->timer.timer_set) {
        ngx_del_timer(&conn->timer);
    }

    /* commands queued during the handshake are timed from now on */

    for (q = ngx_queue_head(&conn->pending);
         q != ngx_queue_sentinel(&conn->pending);
         q = ngx_queue_next(q))
    {
        cmd = ngx_queue_data(q, ngx_http_api_redis_cmd_t, queue);
        cmd->sent = ngx_current_msec;
    }

    ngx_http_api_redis_arm(conn);
}


/*
 * Frees the context.  hiredis then calls every pending callback with a
 * NULL reply (each request fails with "status"), then the cleanup hook,
 * which schedules the reconnect.  Inside a hiredis callback the free is
 * deferred by hiredis until the callback returns.
 */

static void
ngx_http_api_redis_reset(ngx_http_api_redis_conn_t *conn, ngx_int_t status)
{
    if (conn->ac == NULL || conn->state == NGX_HTTP_API_REDIS_CLOSING) {
        return;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, conn->engine->log, 0,
                   "api redis #%ui reset, pending fail with %i",
                   conn->index, status);

    conn->reset_status = status;
    ngx_http_api_redis_state(conn, NGX_HTTP_API_REDIS_CLOSING);

    redisAsyncFree(conn->ac);
}


static void
ngx_http_api_redis_schedule(ngx_http_api_redis_conn_t *conn)
{
    ngx_msec_t  delay;

    if (conn->engine->exiting || ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    if (conn->reconnect.timer_set) {
        return;
    }

    if (conn->failures == 0) {
        /* a healthy connection dropped: try again almost at once */
        delay = 1 + ngx_random() % NGX_HTTP_API_REDIS_BACKOFF_MIN;

    } else {
        /* "equal jitter": between half and all of the backoff */
        delay = conn->backoff / 2 + ngx_random() % (conn->backoff / 2 + 1);

        conn->backoff *= 2;
        if (conn->backoff > conn->engine->amcf->backoff_max) {
            conn->backoff = conn->engine->amcf->backoff_max;
        }
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, conn->engine->log, 0,
                   "api redis #%ui reconnect in %M ms", conn->index, delay);

    ngx_add_timer(&conn->reconnect, delay);
}


/*
 * Counts a failed attempt; returns the log level to report it at: the
 * first failure is an error, the retries of an outage only "info".
 */

static ngx_uint_t
ngx_http_api_redis_failed(ngx_http_api_redis_conn_t *conn)
{
    conn->failures++;

    ngx_http_api_metrics_redis(conn->engine->amcf,
                               NGX_HTTP_API_M_REDIS_ERR_CONNECT);

    return (conn->failures == 1) ? NGX_LOG_ERR : NGX_LOG_INFO;
}


/* Keeps the deadline timer on the oldest command in flight. */

void
ngx_http_api_redis_arm(ngx_http_api_redis_conn_t *conn)
{
    ngx_msec_int_t             left;
    ngx_http_api_redis_cmd_t  *cmd;

    if (conn->state != NGX_HTTP_API_REDIS_READY) {
        return;
    }

    if (ngx_queue_empty(&conn->pending)) {
        if (conn->timer.timer_set) {
            ngx_del_timer(&conn->timer);
        }

        return;
    }

    cmd = ngx_queue_data(ngx_queue_head(&conn->pending),
                         ngx_http_api_redis_cmd_t, queue);

    left = (ngx_msec_int_t) (cmd->sent + conn->engine->amcf->timeout
                             - ngx_current_msec);
    if (left <= 0) {
        left = 1;
    }

    /* graceful shutdown waits for the commands in flight */
    conn->timer.cancelable = 0;
    ngx_add_timer(&conn->timer, (ngx_msec_t) left);
}


static void
ngx_http_api_redis_connect_cb(const redisAsyncContext *ac, int status)
{
    ngx_http_api_redis_conn_t  *conn = ac->data;

    ngx_uint_t  level;

    if (status == REDIS_OK) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, conn->engine->log, 0,
                       "api redis #%ui connected", conn->index);
        return;
    }

    /* hiredis frees the context after this callback */

    level = ngx_http_api_redis_failed(conn);
    ngx_log_error(level, conn->engine->log, 0,
                  "api redis #%ui: connect to \"%V\" failed: %s",
                  conn->index, &conn->engine->amcf->server, ac->errstr);
}


static void
ngx_http_api_redis_disconnect_cb(const redisAsyncContext *ac, int status)
{
    ngx_http_api_redis_conn_t  *conn = ac->data;

    if (status == REDIS_OK) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, conn->engine->log, 0,
                       "api redis #%ui disconnected", conn->index);
        return;
    }

    ngx_http_api_metrics_redis(conn->engine->amcf,
                               NGX_HTTP_API_M_REDIS_ERR_LOST);

    ngx_log_error(NGX_LOG_ERR, conn->engine->log, 0,
                  "api redis #%ui: connection to \"%V\" lost: %s",
                  conn->index, &conn->engine->amcf->server, ac->errstr);
}








static void
ngx_http_api_redis_timer_handler(ngx_event_t *ev)
{
    ngx_http_api_redis_conn_t  *conn = ev->data;

    ngx_uint_t                  level;
    ngx_http_api_redis_cmd_t   *cmd;
    ngx_http_api_main_conf_t   *amcf;

    amcf = conn->engine->amcf;

    if (conn->state == NGX_HTTP_API_REDIS_CONNECTING) {
        level = ngx_http_api_redis_failed(conn);
        ngx_log_error(level, conn->engine->log, 0,
                      "api redis #%ui: connect to \"%V\" timed out "
                      "after %M ms", conn->index, &amcf->server,
                      amcf->connect_timeout);
        ngx_http_api_redis_reset(conn, NGX_HTTP_SERVICE_UNAVAILABLE);
        return;
    }

    if (conn->state != NGX_HTTP_API_REDIS_READY
        || ngx_queue_empty(&conn->pending))
    {
        return;
    }

    /*
     * ngx_add_timer() keeps an armed timer that is less than
     * NGX_TIMER_LAZY_DELAY off, so the timer may fire before the oldest
     * command's own deadline: check it.
     */

    cmd = ngx_queue_data(ngx_queue_head(&conn->pending),
                         ngx_http_api_redis_cmd_t, queue);

    if ((ngx_msec_int_t) (cmd->sent + amcf->timeout - ngx_current_msec) > 0) {
        ngx_http_api_redis_arm(conn);
        return;
    }

    ngx_log_error(NGX_LOG_ERR, conn->engine->log, 0,
                  "api redis #%ui: \"%V\" did not answer within %M ms, "
                  "resetting the connection (%ui commands in flight)",
                  conn->index, &amcf->server, amcf->timeout, conn->npending);

    /*
     * Replies come in order, so the connection cannot skip this one: the
     * oldest command gets 504, the others behind it fail fast with 503.
     */

    cmd->timed_out = 1;
    conn->failures++;
    ngx_http_api_metrics_redis(conn->engine->amcf,
                               NGX_HTTP_API_M_REDIS_TIMEOUTS);
    ngx_http_api_redis_reset(conn, NGX_HTTP_SERVICE_UNAVAILABLE);
}


static void
ngx_http_api_redis_reconnect_handler(ngx_event_t *ev)
{
    ngx_http_api_redis_conn_t  *conn = ev->data;

    if (conn->engine->exiting || ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    if (conn->ac == NULL) {
        ngx_http_api_metrics_redis(conn->engine->amcf,
                                   NGX_HTTP_API_M_REDIS_RECONNECTS);
        ngx_http_api_redis_connect(conn);
    }
}














/* The adapter saw the connection closed under it (worker shutdown). */

static void
ngx_http_api_redis_lost(ngx_http_api_redis_conn_t *conn)
{
    ngx_http_api_redis_reset(conn, NGX_HTTP_SERVICE_UNAVAILABLE);
}


/*
 * hiredis is done with the context (the adapter has released the nginx
 * connection): back to idle, and reconnect later.
 */

static void
ngx_http_api_redis_closed(ngx_http_api_redis_conn_t *conn)
{
    if (conn->ac == NULL) {
        return;
    }

    conn->ac = NULL;
    ngx_http_api_redis_state(conn, NGX_HTTP_API_REDIS_IDLE);

    if (conn->timer.timer_set) {
        ngx_del_timer(&conn->timer);
    }

    ngx_http_api_redis_schedule(conn);
}


/* Every state change goes through here: the metrics count connections. */

void
ngx_http_api_redis_state(ngx_http_api_redis_conn_t *conn, ngx_uint_t state)
{
    ngx_http_api_metrics_conn_state(conn->engine->amcf, conn->state, state);

    conn->state = state;
}


/*
 * api_redis_server host[:port] | unix:/path;
 * A host name is resolved here, once: requests never wait on DNS.
 */

char *
ngx_http_api_redis_server(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_main_conf_t *amcf = conf;

    u_char      text[NGX_SOCKADDR_STRLEN];
    size_t      len;
    ngx_url_t   u;
    ngx_str_t  *value;

    if (amcf->server.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len > 5 && ngx_strncasecmp(value[1].data,
                                            (u_char *) "unix:", 5) == 0)
    {
        len = value[1].len - 5;

        if (len >= sizeof(((struct sockaddr_un *) 0)->sun_path)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unix socket path \"%V\" is too long",
                               &value[1]);
            return NGX_CONF_ERROR;
        }

        amcf->unix_path = ngx_pnalloc(cf->pool, len + 1);
        if (amcf->unix_path == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_cpystrn(amcf->unix_path, value[1].data + 5, len + 1);

    } else {
        ngx_memzero(&u, sizeof(ngx_url_t));

        u.url = value[1];
        u.default_port = NGX_HTTP_API_REDIS_PORT;

        if (ngx_parse_url(cf->pool, &u) != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid Redis address \"%V\": %s",
                               &value[1], u.err ? u.err : "cannot parse");
            return NGX_CONF_ERROR;
        }

        if (u.uri.len || u.naddrs == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid Redis address \"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }

        len = ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen, text,
                            NGX_SOCKADDR_STRLEN, 0);

        amcf->host = ngx_pnalloc(cf->pool, len + 1);
        if (amcf->host == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_cpystrn(amcf->host, text, len + 1);
        amcf->port = ngx_inet_get_port(u.addrs[0].sockaddr);
    }

    amcf->server = value[1];
    amcf->conf_file = cf->conf_file->file.name;
    amcf->conf_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/* The engine's part of init_main_conf: defaults, and what must agree. */

char *
ngx_http_api_redis_init_main_conf(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf)
{
    ngx_conf_init_uint_value(amcf->connections, 2);
    ngx_conf_init_msec_value(amcf->connect_timeout, 1000);
    ngx_conf_init_msec_value(amcf->timeout, 1000);
    ngx_conf_init_msec_value(amcf->backoff_max, 500);
    ngx_conf_init_uint_value(amcf->max_pending, 1024);
    ngx_conf_init_value(amcf->database, 0);

    if (amcf->prefix.data == NULL) {
        ngx_str_set(&amcf->prefix, "api:");
    }

    if (amcf->backoff_max < 100) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"api_redis_backoff_max\" must be at least 100ms, "
                      "not %Mms", amcf->backoff_max);
        return NGX_CONF_ERROR;
    }

    if (amcf->username.len && amcf->password.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"api_redis_username\" \"%V\" needs "
                      "\"api_redis_password\"", &amcf->username);
        return NGX_CONF_ERROR;
    }

    if (amcf->needs_file.len && amcf->server.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "the Redis-backed location at %V:%ui needs "
                      "\"api_redis_server\" in the \"http\" block",
                      &amcf->needs_file, amcf->needs_line);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
