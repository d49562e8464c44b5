
/*
 * ngx_http_api_module: the per-node rate limit state for fail=local, in
 * each api_limit_req_zone's shared memory (the GCRA of src/lua/gcra.lua,
 * on nginx's monotonic clock).
 */


#include "ngx_http_api_limit_local.h"


static void ngx_http_api_limit_forget(ngx_http_api_limit_zone_t *zone,
    ngx_http_api_limit_node_t *lr);


ngx_int_t
ngx_http_api_limit_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_api_limit_zone_t  *ozone = data;

    size_t                      len;
    ngx_http_api_limit_zone_t  *zone;

    zone = shm_zone->data;

    if (ozone != NULL) {
        /* reload: the old zone's state goes on */
        zone->sh = ozone->sh;
        zone->shpool = ozone->shpool;
        return NGX_OK;
    }

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        return NGX_OK;
    }

    zone->sh = ngx_slab_alloc(zone->shpool,
                              sizeof(ngx_http_api_limit_shctx_t));
    if (zone->sh == NULL) {
        return NGX_ERROR;
    }

    zone->shpool->data = zone->sh;

    ngx_rbtree_init(&zone->sh->rbtree, &zone->sh->sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&zone->sh->queue);

    len = sizeof(" in api_limit_req_zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = ngx_slab_alloc(zone->shpool, len);
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in api_limit_req_zone \"%V\"%Z",
                &shm_zone->shm.name);

    return NGX_OK;
}


/*
 * The same GCRA on this node's shared memory, for fail=local.  The state
 * is per node: N nodes admit up to N times the rate while Redis is away.
 */

void
ngx_http_api_limit_local(ngx_http_api_limit_zone_t *zone,
    ngx_http_api_limit_t *limit, ngx_http_api_limit_state_t *ls,
    ngx_log_t *log)
{
    uint32_t                    hash;
    uint64_t                    now, tat, tau, interval;
    ngx_uint_t                  n;
    ngx_queue_t                *q;
    ngx_http_api_limit_node_t  *lr;

    now = (uint64_t) ngx_current_msec * 1000;
    interval = zone->interval;
    tau = (uint64_t) limit->burst * interval;

    hash = ngx_crc32_short(ls->key.data, ls->key.len);

    ngx_shmtx_lock(&zone->shpool->mutex);

    /* forget up to two keys that have fully refilled */

    for (n = 0; n < 2 && !ngx_queue_empty(&zone->sh->queue); n++) {
        q = ngx_queue_last(&zone->sh->queue);
        lr = ngx_queue_data(q, ngx_http_api_limit_node_t, queue);

        if (lr->tat > now) {
            break;
        }

        ngx_http_api_limit_forget(zone, lr);
    }

    lr = (ngx_http_api_limit_node_t *)
             ngx_str_rbtree_lookup(&zone->sh->rbtree, &ls->key, hash);

    tat = (lr != NULL && lr->tat > now) ? lr->tat : now;

    if (tat - now > tau) {
        ls->over = 1;
        ls->remaining = 0;
        ls->reset = (tat - now + 999999) / 1000000;
        ls->retry = (tat - now - tau + 999999) / 1000000;
        goto unlock;
    }

    tat += interval;

    ls->over = 0;
    ls->remaining = (tau + interval - (tat - now)) / interval;
    ls->reset = (tat - now + 999999) / 1000000;
    ls->retry = 0;

    if (lr == NULL) {
        lr = ngx_slab_alloc_locked(zone->shpool,
                                   offsetof(ngx_http_api_limit_node_t, data)
                                   + ls->key.len);

        if (lr == NULL && !ngx_queue_empty(&zone->sh->queue)) {
            /* full: the least recently used key makes room */
            q = ngx_queue_last(&zone->sh->queue);
            ngx_http_api_limit_forget(zone,
                ngx_queue_data(q, ngx_http_api_limit_node_t, queue));

            lr = ngx_slab_alloc_locked(zone->shpool,
                                       offsetof(ngx_http_api_limit_node_t,
                                                data)
                                       + ls->key.len);
        }

        if (lr == NULL) {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            ngx_log_error(NGX_LOG_ALERT, log, 0,
                          "api limit: zone \"%V\" is full, request passes",
                          &zone->name);
            return;
        }

        ngx_memcpy(lr->data, ls->key.data, ls->key.len);
        lr->sn.node.key = hash;
        lr->sn.str.len = ls->key.len;
        lr->sn.str.data = lr->data;

        ngx_rbtree_insert(&zone->sh->rbtree, &lr->sn.node);

    } else {
        ngx_queue_remove(&lr->queue);
    }

    lr->tat = tat;
    ngx_queue_insert_head(&zone->sh->queue, &lr->queue);

unlock:

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* With the zone's mutex held. */

static void
ngx_http_api_limit_forget(ngx_http_api_limit_zone_t *zone,
    ngx_http_api_limit_node_t *lr)
{
    ngx_queue_remove(&lr->queue);
    ngx_rbtree_delete(&zone->sh->rbtree, &lr->sn.node);
    ngx_slab_free_locked(zone->shpool, lr);
}
