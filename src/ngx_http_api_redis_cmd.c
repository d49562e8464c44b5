
/*
 * ngx_http_api_module: the Redis engine's request commands: which
 * connection takes a command, how it is written (RESP, pipelined), its
 * reply or failure handed to the request exactly once, NOSCRIPT retried
 * as EVAL, and the scripts registered at configuration time.
 */


#include <time.h>
#include <ngx_sha1.h>

#include "ngx_http_api_redis_int.h"
#include "ngx_http_api_ctx.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_parse.h"


static ngx_http_api_redis_conn_t *ngx_http_api_redis_pick(
    ngx_http_api_redis_t *engine);
static ngx_int_t ngx_http_api_redis_submit(ngx_http_request_t *r,
    ngx_http_api_redis_handler_pt handler, void *data,
    ngx_http_api_script_t *script, int argc, const char **argv,
    size_t *argvlen);
static ngx_int_t ngx_http_api_redis_format(ngx_pool_t *pool,
    redisAsyncContext *ac, ngx_http_api_redis_cmd_t *cmd, int argc,
    const char **argv, const size_t *argvlen);
static void ngx_http_api_redis_reply_cb(redisAsyncContext *ac, void *rep,
    void *privdata);
static void ngx_http_api_redis_detached_cb(redisAsyncContext *ac,
    void *rep, void *privdata);
static void ngx_http_api_redis_detach(void *data);


static ngx_http_api_redis_conn_t *
ngx_http_api_redis_pick(ngx_http_api_redis_t *engine)
{
    ngx_uint_t                  i, n, max;
    ngx_http_api_redis_conn_t  *conn, *first;

    n = engine->nconns;
    max = engine->amcf->max_pending;
    first = NULL;

    for (i = 0; i < n; i++) {
        conn = &engine->conns[(engine->next + i) % n];

        if (conn->npending >= max) {
            continue;
        }

        if (conn->state == NGX_HTTP_API_REDIS_READY) {
            engine->next = (conn->index + 1) % n;
            return conn;
        }

        /*
         * A first attempt (worker start, or just after a drop) may take
         * commands: they go out behind the handshake.  Once an attempt has
         * failed, requests get 503 at once until a connection is ready.
         * A healthy connection that just dropped (CLIENT KILL, an idle
         * timeout, a proxy reset) does not make a request wait out its
         * reconnect delay: it reconnects now, here, outside hiredis.
         */

        if (conn->state == NGX_HTTP_API_REDIS_IDLE
            && conn->failures == 0
            && conn->reconnect.timer_set
            && first == NULL)
        {
            ngx_del_timer(&conn->reconnect);
            ngx_http_api_metrics_redis(engine->amcf,
                                       NGX_HTTP_API_M_REDIS_RECONNECTS);
            ngx_http_api_redis_connect(conn);
        }

        if (conn->state == NGX_HTTP_API_REDIS_CONNECTING
            && conn->failures == 0
            && first == NULL)
        {
            first = conn;
        }
    }

    return first;
}


ngx_int_t
ngx_http_api_redis_send(ngx_http_request_t *r,
    ngx_http_api_redis_handler_pt handler, void *data, int argc,
    const char **argv, const size_t *argvlen)
{
    return ngx_http_api_redis_submit(r, handler, data, NULL, argc, argv,
                                     (size_t *) argvlen);
}


ngx_int_t
ngx_http_api_redis_eval(ngx_http_request_t *r,
    ngx_http_api_redis_handler_pt handler, void *data,
    ngx_http_api_script_t *script, int nkeys, int argc, const char **argv,
    const size_t *argvlen)
{
    int          i;
    u_char      *p;
    size_t      *avl;
    const char **av;

    av = ngx_palloc(r->pool, (argc + 3) * sizeof(char *));
    avl = ngx_palloc(r->pool, (argc + 3) * sizeof(size_t));
    p = ngx_pnalloc(r->pool, NGX_INT64_LEN);

    if (av == NULL || avl == NULL || p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    av[0] = "EVALSHA";
    avl[0] = 7;
    av[1] = (const char *) script->sha1;
    avl[1] = 40;
    av[2] = (const char *) p;
    avl[2] = ngx_http_api_write_uint(p, nkeys) - p;

    for (i = 0; i < argc; i++) {
        av[i + 3] = argv[i];
        avl[i + 3] = argvlen[i];
    }

    return ngx_http_api_redis_submit(r, handler, data, script, argc + 3, av,
                                     avl);
}


/*
 * A command that belongs to no request (e.g. a lock release from a pool
 * cleanup): hiredis copies argv before this returns, and the reply is
 * only logged if it is an error.  NGX_DECLINED: no connection could take
 * it (the worker is exiting, or Redis is down); nothing was sent.
 */

ngx_int_t
ngx_http_api_redis_send_detached(ngx_http_api_main_conf_t *amcf, int argc,
    const char **argv, const size_t *argvlen)
{
    ngx_http_api_redis_t       *engine;
    ngx_http_api_redis_conn_t  *conn;

    engine = amcf->redis;

    if (engine == NULL || engine->exiting) {
        return NGX_DECLINED;
    }

    conn = ngx_http_api_redis_pick(engine);

    if (conn == NULL
        || redisAsyncCommandArgv(conn->ac, ngx_http_api_redis_detached_cb,
                                 conn, argc, argv, argvlen)
           != REDIS_OK)
    {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, engine->log, 0,
                       "api redis: detached \"%*s\" not sent",
                       argvlen[0], argv[0]);
        return NGX_DECLINED;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, engine->log, 0,
                   "api redis #%ui send detached \"%*s\"", conn->index,
                   argvlen[0], argv[0]);

    return NGX_OK;
}


/* The reply to a detached command: NULL when the context is freed. */

static void
ngx_http_api_redis_detached_cb(redisAsyncContext *ac, void *rep,
    void *privdata)
{
    redisReply                 *reply = rep;
    ngx_http_api_redis_conn_t  *conn = privdata;

    if (reply == NULL) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, conn->engine->log, 0,
                       "api redis #%ui detached command lost", conn->index);
        return;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_WARN, conn->engine->log, 0,
                      "api redis #%ui: detached command failed: %*s",
                      conn->index, (size_t) reply->len, reply->str);
        return;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, conn->engine->log, 0,
                   "api redis #%ui detached reply, type:%d", conn->index,
                   reply->type);
}


/*
 * The one place a request command is sent.  Registers the request cleanup
 * that detaches the token, and holds the request until the reply.
 */

static ngx_int_t
ngx_http_api_redis_submit(ngx_http_request_t *r,
    ngx_http_api_redis_handler_pt handler, void *data,
    ngx_http_api_script_t *script, int argc, const char **argv,
    size_t *argvlen)
{
    ngx_queue_t                *q;
    ngx_http_cleanup_t         *cln;
    ngx_http_api_redis_t       *engine;
    ngx_http_api_redis_cmd_t   *cmd;
    ngx_http_api_redis_conn_t  *conn;
    ngx_http_api_main_conf_t   *amcf;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);
    engine = amcf->redis;

    if (engine == NULL || engine->exiting) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    conn = ngx_http_api_redis_pick(engine);
    if (conn == NULL) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api redis: no connection ready");
        ngx_http_api_metrics_redis(amcf, NGX_HTTP_API_M_REDIS_ERR_UNAVAIL);
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    cln = ngx_http_cleanup_add(r, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!ngx_queue_empty(&engine->free)) {
        q = ngx_queue_head(&engine->free);
        ngx_queue_remove(q);
        cmd = ngx_queue_data(q, ngx_http_api_redis_cmd_t, queue);

    } else {
        cmd = ngx_alloc(sizeof(ngx_http_api_redis_cmd_t), engine->log);
        if (cmd == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ngx_http_api_redis_format(r->pool, conn->ac, cmd, argc, argv, argvlen)
        != NGX_OK)
    {
        ngx_queue_insert_head(&engine->free, &cmd->queue);
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    cmd->conn = conn;
    cmd->r = r;
    cmd->cln = cln;
    cmd->handler = handler;
    cmd->data = data;
    cmd->sent = ngx_current_msec;
    cmd->started = ngx_http_api_usec();
    cmd->timed_out = 0;
    cmd->script = script;
    /* only a script's argv is used again: NOSCRIPT resends it */
    cmd->argc = argc;
    cmd->argv = script ? (const char **) argv : NULL;
    cmd->argvlen = script ? argvlen : NULL;

    cln->handler = ngx_http_api_redis_detach;
    cln->data = cmd;

    ngx_queue_insert_tail(&conn->pending, &cmd->queue);
    conn->npending++;
    ngx_http_api_metrics_redis_sent(amcf);

    if (!conn->timer.timer_set) {
        ngx_http_api_redis_arm(conn);

    } else if (conn->state == NGX_HTTP_API_REDIS_CONNECTING) {
        /* the connect timer now bounds a request: shutdown waits for it */
        conn->timer.cancelable = 0;
    }

    r->main->count++;

    /* notice a client that goes away while the command is in flight */
    if (!r->discard_body && !r->reading_body) {
        r->read_event_handler = ngx_http_test_reading;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api redis #%ui send \"%*s\"", conn->index,
                   argvlen[0], argv[0]);

    return NGX_OK;
}


/*
 * Formats a request command as RESP in the request's pool and queues it
 * on the context.  hiredis's own argv formatting (sdscatfmt per argument)
 * cost more than all the rest of a GET's Redis work (callgrind).
 */

static ngx_int_t
ngx_http_api_redis_format(ngx_pool_t *pool, redisAsyncContext *ac,
    ngx_http_api_redis_cmd_t *cmd, int argc, const char **argv,
    const size_t *argvlen)
{
    int      i;
    u_char  *buf, *p;
    size_t   len;

    len = sizeof("*\r\n") - 1 + NGX_INT_T_LEN;

    for (i = 0; i < argc; i++) {
        len += sizeof("$\r\n\r\n") - 1 + NGX_SIZE_T_LEN + argvlen[i];
    }

    /* hiredis peeks at the byte after the command name: NUL-terminate */
    buf = ngx_pnalloc(pool, len + 1);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    p = buf;
    *p++ = '*';
    p = ngx_http_api_write_uint(p, argc);
    *p++ = '\r';
    *p++ = '\n';

    for (i = 0; i < argc; i++) {
        *p++ = '$';
        p = ngx_http_api_write_uint(p, argvlen[i]);
        *p++ = '\r';
        *p++ = '\n';
        p = ngx_cpymem(p, argv[i], argvlen[i]);
        *p++ = '\r';
        *p++ = '\n';
    }

    *p = '\0';

    if (redisAsyncFormattedCommand(ac, ngx_http_api_redis_reply_cb, cmd,
                                   (const char *) buf, p - buf)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* Request cleanup: the request is going away before its reply. */

static void
ngx_http_api_redis_detach(void *data)
{
    ngx_http_api_redis_cmd_t  *cmd = data;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, cmd->r->connection->log, 0,
                   "api redis #%ui: request gone, reply will be dropped",
                   cmd->conn->index);

    cmd->r = NULL;
    cmd->cln = NULL;
}


/*
 * hiredis calls this once per request command: with the reply, or with
 * NULL when the context is freed.  The token goes back to the free list.
 */

static void
ngx_http_api_redis_reply_cb(redisAsyncContext *ac, void *rep, void *privdata)
{
    redisReply                *reply = rep;
    ngx_http_api_redis_cmd_t  *cmd = privdata;

    ngx_int_t                  status;
    ngx_connection_t          *c;
    ngx_http_request_t        *r;
    ngx_http_api_redis_t      *engine;
    ngx_http_api_redis_conn_t *conn;

    conn = cmd->conn;
    engine = conn->engine;

    ngx_queue_remove(&cmd->queue);
    conn->npending--;
    ngx_http_api_metrics_redis_done(engine->amcf);

    if (reply == NULL) {
        status = cmd->timed_out ? NGX_HTTP_GATEWAY_TIME_OUT
                 : conn->reset_status ? conn->reset_status
                 : NGX_HTTP_SERVICE_UNAVAILABLE;

        /* take no more commands while hiredis unwinds this context */
        ngx_http_api_redis_state(conn, NGX_HTTP_API_REDIS_CLOSING);

        if (!cmd->timed_out) {
            ngx_http_api_metrics_redis(engine->amcf,
                                       NGX_HTTP_API_M_REDIS_ERR_UNAVAIL);
        }

    } else {
        status = NGX_OK;

        if (reply->type == REDIS_REPLY_ERROR
            && cmd->script != NULL
            && cmd->r != NULL
            && cmd->argv[0][0] == 'E' && cmd->argvlen[0] == 7
            && reply->len >= 8
            && ngx_strncmp(reply->str, "NOSCRIPT", 8) == 0)
        {
            ngx_log_error(NGX_LOG_WARN, engine->log, 0,
                          "api redis #%ui: script \"%V\" was not loaded, "
                          "sending it with EVAL", conn->index,
                          &cmd->script->name);

            cmd->argv[0] = "EVAL";
            cmd->argvlen[0] = 4;
            cmd->argv[1] = (const char *) cmd->script->source.data;
            cmd->argvlen[1] = cmd->script->source.len;

            if (ngx_http_api_redis_format(cmd->r->pool, ac, cmd, cmd->argc,
                                         cmd->argv, cmd->argvlen)
                == NGX_OK)
            {
                cmd->sent = ngx_current_msec;
                ngx_queue_insert_tail(&conn->pending, &cmd->queue);
                conn->npending++;
                ngx_http_api_metrics_redis_sent(engine->amcf);
                ngx_http_api_redis_arm(conn);
                return;
            }
        }

        if (reply->type == REDIS_REPLY_ERROR) {
            ngx_http_api_metrics_redis(engine->amcf,
                                       NGX_HTTP_API_M_REDIS_ERR_REPLY);
        }

        ngx_http_api_redis_arm(conn);
    }

    r = cmd->r;

    if (r != NULL && !engine->exiting) {
        c = r->connection;

        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, c->log, 0,
                       "api redis #%ui reply, type:%d status:%i",
                       conn->index, reply ? reply->type : 0, status);

        cmd->cln->handler = NULL;
        cmd->r = NULL;
        cmd->cln = NULL;

        ngx_http_api_ctx_redis_time(r, ngx_http_api_usec() - cmd->started);

        cmd->handler(r, cmd->data, reply, status);

        ngx_queue_insert_head(&engine->free, &cmd->queue);

        ngx_http_run_posted_requests(c);
        return;
    }

    if (r != NULL) {
        cmd->cln->handler = NULL;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, engine->log, 0,
                   "api redis #%ui reply dropped", conn->index);

    ngx_queue_insert_head(&engine->free, &cmd->queue);
}


ngx_int_t
ngx_http_api_redis_add_script(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf,
    ngx_str_t *name, ngx_str_t *source, ngx_http_api_script_t **script)
{
    u_char                   digest[20];
    ngx_sha1_t               sha1;
    ngx_http_api_script_t   *s, **sp;

    s = ngx_palloc(cf->pool, sizeof(ngx_http_api_script_t));
    if (s == NULL) {
        return NGX_ERROR;
    }

    sp = ngx_array_push(&amcf->scripts);
    if (sp == NULL) {
        return NGX_ERROR;
    }

    *sp = s;

    s->name = *name;
    s->source = *source;

    ngx_sha1_init(&sha1);
    ngx_sha1_update(&sha1, source->data, source->len);
    ngx_sha1_final(digest, &sha1);

    ngx_hex_dump(s->sha1, digest, 20);
    s->sha1[40] = '\0';

    *script = s;

    return NGX_OK;
}
