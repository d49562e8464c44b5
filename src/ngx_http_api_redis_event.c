
/*
 * ngx_http_api_module: the event adapter that binds a hiredis async
 * context to an nginx connection, and does only that.
 *
 * hiredis asks for read and write interest through ac->ev; nginx's events
 * on the context's fd call hiredis back.  Writes asked for while the
 * worker handles a batch of events are posted and leave in one write per
 * connection after the batch, never inline: reply handlers run inside the
 * read handler (ngx_http_api_redis.h), and a write from there would
 * re-enter hiredis.  What the connection means is the engine's
 * (redis.c): the adapter tells it through conn->lost and conn->closed.
 */


#include "ngx_http_api_redis_int.h"


static void ngx_http_api_redis_read_handler(ngx_event_t *ev);
static void ngx_http_api_redis_write_handler(ngx_event_t *ev);
static void ngx_http_api_redis_flush_handler(ngx_event_t *ev);
static void ngx_http_api_redis_event_write(ngx_http_api_redis_conn_t *conn);

static void ngx_http_api_redis_add_read(void *privdata);
static void ngx_http_api_redis_del_read(void *privdata);
static void ngx_http_api_redis_add_write(void *privdata);
static void ngx_http_api_redis_del_write(void *privdata);
static void ngx_http_api_redis_cleanup(void *privdata);


void
ngx_http_api_redis_event_init(ngx_http_api_redis_conn_t *conn,
    ngx_log_t *log)
{
    conn->flush.handler = ngx_http_api_redis_flush_handler;
    conn->flush.data = conn;
    conn->flush.log = log;
}


/*
 * Gives the new context's fd an nginx connection and hooks hiredis's
 * event calls to it.  NGX_ERROR: no free worker connection; the caller
 * frees the context.
 */

ngx_int_t
ngx_http_api_redis_event_attach(ngx_http_api_redis_conn_t *conn,
    redisAsyncContext *ac)
{
    ngx_log_t         *log;
    ngx_connection_t  *c;

    log = conn->engine->log;

    c = ngx_get_connection(ac->c.fd, log);
    if (c == NULL) {
        return NGX_ERROR;
    }

    c->data = conn;
    c->read->handler = ngx_http_api_redis_read_handler;
    c->write->handler = ngx_http_api_redis_write_handler;
    c->read->log = log;
    c->write->log = log;

    conn->ac = ac;
    conn->c = c;

    ac->ev.data = conn;
    ac->ev.addRead = ngx_http_api_redis_add_read;
    ac->ev.delRead = ngx_http_api_redis_del_read;
    ac->ev.addWrite = ngx_http_api_redis_add_write;
    ac->ev.delWrite = ngx_http_api_redis_del_write;
    ac->ev.cleanup = ngx_http_api_redis_cleanup;

    return NGX_OK;
}


static void
ngx_http_api_redis_read_handler(ngx_event_t *ev)
{
    ngx_connection_t           *c = ev->data;
    ngx_http_api_redis_conn_t  *conn = c->data;

    if (c->close) {
        /* worker_shutdown_timeout closes every connection */
        conn->lost(conn);
        return;
    }

    /*
     * The read event is level-triggered: hiredis reads at most 16 KiB per
     * call, and what it leaves in the socket wakes us again.  hiredis may
     * free the context (and release c) inside this call.
     */

    redisAsyncHandleRead(conn->ac);
}


static void
ngx_http_api_redis_write_handler(ngx_event_t *ev)
{
    ngx_connection_t           *c = ev->data;
    ngx_http_api_redis_conn_t  *conn = c->data;

    /* conn outlives the context: safe to touch after the call */

    ngx_http_api_redis_event_write(conn);
}


/*
 * Commands issued while the event loop handles one batch of events go
 * out together: hiredis asks for a write, we post this event, and it
 * writes once after the batch.  Only a write that would block waits for a
 * write event.  That saves an epoll_ctl() pair per command batch here and
 * read() calls in Redis.
 */

static void
ngx_http_api_redis_flush_handler(ngx_event_t *ev)
{
    ngx_http_api_redis_conn_t  *conn = ev->data;

    if (conn->ac == NULL) {
        return;
    }

    ngx_http_api_redis_event_write(conn);
}


/*
 * hiredis event hooks.  Events are level-triggered (NGX_LEVEL_EVENT), so
 * data left behind by a partial read is never lost on edge-triggered epoll.
 */

static void
ngx_http_api_redis_add_read(void *privdata)
{
    ngx_http_api_redis_conn_t  *conn = privdata;

    if (conn->c == NULL || conn->c->read->active) {
        return;
    }

    if (ngx_add_event(conn->c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, conn->engine->log, 0,
                      "api redis #%ui: cannot add read event", conn->index);
    }
}


static void
ngx_http_api_redis_del_read(void *privdata)
{
    ngx_http_api_redis_conn_t  *conn = privdata;

    if (conn->c == NULL || !conn->c->read->active) {
        return;
    }

    (void) ngx_del_event(conn->c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT);
}


static void
ngx_http_api_redis_add_write(void *privdata)
{
    ngx_http_api_redis_conn_t  *conn = privdata;

    if (conn->c == NULL) {
        return;
    }

    if (!conn->writing && (conn->ac->c.flags & REDIS_CONNECTED)) {
        if (!conn->flush.posted) {
            ngx_post_event(&conn->flush, &ngx_posted_events);
        }

        return;
    }

    if (conn->c->write->active) {
        return;
    }

    if (ngx_add_event(conn->c->write, NGX_WRITE_EVENT, NGX_LEVEL_EVENT)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, conn->engine->log, 0,
                      "api redis #%ui: cannot add write event", conn->index);
    }
}


static void
ngx_http_api_redis_del_write(void *privdata)
{
    ngx_http_api_redis_conn_t  *conn = privdata;

    if (conn->c == NULL || !conn->c->write->active) {
        return;
    }

    (void) ngx_del_event(conn->c->write, NGX_WRITE_EVENT, NGX_LEVEL_EVENT);
}


/*
 * hiredis is done with the context (it closes the fd right after).  May
 * be called more than once, and before or after the NULL-reply callbacks,
 * depending on the hiredis version.
 */

static void
ngx_http_api_redis_cleanup(void *privdata)
{
    ngx_http_api_redis_conn_t  *conn = privdata;

    ngx_http_api_redis_event_release(conn);

    if (conn->flush.posted) {
        ngx_delete_posted_event(&conn->flush);
    }

    conn->closed(conn);
}


void
ngx_http_api_redis_event_release(ngx_http_api_redis_conn_t *conn)
{
    ngx_connection_t  *c;

    c = conn->c;
    if (c == NULL) {
        return;
    }

    conn->c = NULL;

    if (c->read->active) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, 0);
    }

    if (c->write->active) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    ngx_free_connection(c);

    c->fd = (ngx_socket_t) -1;
}


/*
 * The one place the adapter writes to the socket.  hiredis marks its
 * context REDIS_IN_CALLBACK while a reply handler runs; writing then
 * would break the contract in ngx_http_api_redis.h, so it is an alert and
 * the write is posted instead, as hiredis asserts in its own async.c.
 */

static void
ngx_http_api_redis_event_write(ngx_http_api_redis_conn_t *conn)
{
    if (conn->ac->c.flags & REDIS_IN_CALLBACK) {
        ngx_log_error(NGX_LOG_ALERT, conn->engine->log, 0,
                      "api redis #%ui: write inside a reply handler",
                      conn->index);

        if (!conn->flush.posted) {
            ngx_post_event(&conn->flush, &ngx_posted_events);
        }

        return;
    }

    conn->writing = 1;
    redisAsyncHandleWrite(conn->ac);
    conn->writing = 0;
}
