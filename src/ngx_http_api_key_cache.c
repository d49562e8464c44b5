
/*
 * ngx_http_api_module: the per-worker cache of API key lookups: found or
 * not, for api_key_cache_valid, keyed by the key as presented (worker
 * memory, like the request that carried it); least recently used first
 * out.
 */


#include "ngx_http_api_key_cache.h"


struct ngx_http_api_key_cache_s {
    ngx_rbtree_t                 rbtree;
    ngx_rbtree_node_t            sentinel;
    ngx_queue_t                  found;       /* most recently used first */
    ngx_queue_t                  unknown;     /* negative answers */
    ngx_uint_t                   nfound;
    ngx_uint_t                   nunknown;
    ngx_uint_t                   max;
    ngx_log_t                   *log;
};


static void ngx_http_api_key_cache_forget(ngx_http_api_key_cache_t *cache,
    ngx_http_api_key_entry_t *e);


ngx_int_t
ngx_http_api_key_cache_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf)
{
    ngx_http_api_key_cache_t  *cache;

    cache = ngx_pcalloc(cycle->pool, sizeof(ngx_http_api_key_cache_t));
    if (cache == NULL) {
        return NGX_ERROR;
    }

    ngx_rbtree_init(&cache->rbtree, &cache->sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&cache->found);
    ngx_queue_init(&cache->unknown);

    cache->max = amcf->key_cache_size;
    cache->log = cycle->log;

    amcf->key_cache = cache;

    return NGX_OK;
}


void
ngx_http_api_key_cache_exit_process(ngx_http_api_main_conf_t *amcf)
{
    ngx_queue_t               *q;
    ngx_http_api_key_cache_t  *cache;

    cache = amcf->key_cache;

    if (cache == NULL) {
        return;
    }

    while (!ngx_queue_empty(&cache->found)) {
        q = ngx_queue_head(&cache->found);
        ngx_http_api_key_cache_forget(cache,
                         ngx_queue_data(q, ngx_http_api_key_entry_t, queue));
    }

    while (!ngx_queue_empty(&cache->unknown)) {
        q = ngx_queue_head(&cache->unknown);
        ngx_http_api_key_cache_forget(cache,
                         ngx_queue_data(q, ngx_http_api_key_entry_t, queue));
    }

    amcf->key_cache = NULL;
}


ngx_http_api_key_entry_t *
ngx_http_api_key_cache_get(ngx_http_api_key_cache_t *cache, ngx_str_t *key)
{
    ngx_http_api_key_entry_t  *e;

    if (cache == NULL) {
        return NULL;
    }

    e = (ngx_http_api_key_entry_t *) ngx_str_rbtree_lookup(&cache->rbtree,
                              key, ngx_murmur_hash2(key->data, key->len));
    if (e == NULL) {
        return NULL;
    }

    if ((ngx_msec_int_t) (e->valid_until - ngx_current_msec) <= 0) {
        ngx_http_api_key_cache_forget(cache, e);
        return NULL;
    }

    ngx_queue_remove(&e->queue);
    ngx_queue_insert_head(e->found ? &cache->found : &cache->unknown,
                          &e->queue);

    return e;
}


/*
 * Caches a lookup (malloc'd; freed by ngx_http_api_key_cache_forget()).  At
 * most "max" keys that exist, and a quarter of that of unknown ones, so
 * that a flood of made-up keys cannot push the real ones out.
 */

ngx_http_api_key_entry_t *
ngx_http_api_key_cache_put(ngx_http_api_key_cache_t *cache, ngx_str_t *key,
    ngx_str_t *name, ngx_str_t *scopes, time_t expires, ngx_uint_t found,
    ngx_msec_t valid)
{
    uint32_t                   hash;
    ngx_queue_t               *queue;
    ngx_uint_t                 n, max;
    ngx_http_api_key_entry_t  *e;

    hash = ngx_murmur_hash2(key->data, key->len);

    e = (ngx_http_api_key_entry_t *) ngx_str_rbtree_lookup(&cache->rbtree,
                                                           key, hash);
    if (e != NULL) {
        ngx_http_api_key_cache_forget(cache, e);
    }

    queue = found ? &cache->found : &cache->unknown;
    n = found ? cache->nfound : cache->nunknown;
    max = found ? cache->max : ngx_max(cache->max / 4, 1);

    if (n >= max) {
        ngx_http_api_key_cache_forget(cache,
                                      ngx_queue_data(ngx_queue_last(queue),
                                                ngx_http_api_key_entry_t,
                                                queue));
    }

    e = ngx_alloc(sizeof(ngx_http_api_key_entry_t) + key->len + name->len
                  + scopes->len, cache->log);
    if (e == NULL) {
        return NULL;
    }

    e->sn.node.key = hash;
    e->sn.str.data = e->data;
    e->sn.str.len = key->len;
    ngx_memcpy(e->data, key->data, key->len);

    e->valid_until = ngx_current_msec + valid;
    e->expires = expires;
    e->found = found;

    /* an unknown key has neither (NULL data: no memcpy) */

    e->name.data = e->data + key->len;
    e->name.len = name->len;

    if (name->len) {
        ngx_memcpy(e->name.data, name->data, name->len);
    }

    e->scopes.data = e->name.data + name->len;
    e->scopes.len = scopes->len;

    if (scopes->len) {
        ngx_memcpy(e->scopes.data, scopes->data, scopes->len);
    }

    ngx_rbtree_insert(&cache->rbtree, &e->sn.node);
    ngx_queue_insert_head(queue, &e->queue);

    if (found) {
        cache->nfound++;

    } else {
        cache->nunknown++;
    }

    return e;
}


static void
ngx_http_api_key_cache_forget(ngx_http_api_key_cache_t *cache,
    ngx_http_api_key_entry_t *e)
{
    ngx_rbtree_delete(&cache->rbtree, &e->sn.node);
    ngx_queue_remove(&e->queue);

    if (e->found) {
        cache->nfound--;

    } else {
        cache->nunknown--;
    }

    ngx_free(e);
}
