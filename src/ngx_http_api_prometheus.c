
/*
 * ngx_http_api_module: api_metrics, the Prometheus text exposition
 * (format 0.0.4) of the node's counters.
 */


#include "ngx_http_api_prometheus.h"
#include "ngx_http_api_metrics_out.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_response.h"


/* room for one line: a name, labels, a number */
#define NGX_HTTP_API_PROM_LINE  (256 + NGX_ATOMIC_T_LEN)


static ngx_int_t ngx_http_api_prometheus_head(ngx_http_api_metrics_out_t *out,
    const char *name, const char *type, const char *help);
static ngx_int_t ngx_http_api_prometheus_requests(
    ngx_http_api_metrics_out_t *out, ngx_http_api_main_conf_t *amcf);
static ngx_int_t ngx_http_api_prometheus_durations(
    ngx_http_api_metrics_out_t *out, ngx_http_api_main_conf_t *amcf);
static ngx_int_t ngx_http_api_prometheus_families(
    ngx_http_api_metrics_out_t *out, ngx_http_api_metrics_totals_t *t);
static ngx_int_t ngx_http_api_prometheus_gauges(
    ngx_http_api_metrics_out_t *out, ngx_http_api_metrics_totals_t *t);


static ngx_str_t  ngx_http_api_prometheus_type =
    ngx_string("text/plain; version=0.0.4; charset=utf-8");


/* The content handler of api_metrics locations. */

ngx_int_t
ngx_http_api_prometheus_handler(ngx_http_request_t *r)
{
    ngx_int_t                       rc;
    ngx_http_api_main_conf_t       *amcf;
    ngx_http_api_metrics_out_t      out;
    ngx_http_api_metrics_totals_t   t;

    if (ngx_http_api_read_only(r, &rc) != NGX_OK) {
        return rc;
    }

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    ngx_http_api_metrics_totals(amcf, &t);
    ngx_http_api_metrics_out_init(&out, r);

    if (ngx_http_api_prometheus_gauges(&out, &t) != NGX_OK
        || ngx_http_api_prometheus_requests(&out, amcf) != NGX_OK
        || ngx_http_api_prometheus_durations(&out, amcf) != NGX_OK
        || ngx_http_api_prometheus_families(&out, &t) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_metrics_out_send(&out, &ngx_http_api_prometheus_type);
}


static ngx_int_t
ngx_http_api_prometheus_head(ngx_http_api_metrics_out_t *out,
    const char *name, const char *type, const char *help)
{
    return ngx_http_api_metrics_out_printf(out,
               2 * ngx_strlen(name) + ngx_strlen(help) + 32,
               "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}


static ngx_int_t
ngx_http_api_prometheus_gauges(ngx_http_api_metrics_out_t *out,
    ngx_http_api_metrics_totals_t *t)
{
    ngx_uint_t  i;

    if (ngx_http_api_prometheus_head(out, "nginx_api_info", "gauge",
            "The module's and nginx's versions (always 1).") != NGX_OK
        || ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_PROM_LINE,
               "nginx_api_info{version=\"" NGX_HTTP_API_VERSION "\","
               "nginx_version=\"" NGINX_VERSION "\"} 1\n") != NGX_OK

        || ngx_http_api_prometheus_head(out,
               "nginx_api_metrics_reset_timestamp_seconds", "gauge",
               "When the counters last started from zero (nginx start, "
               "binary upgrade), in seconds since the epoch.") != NGX_OK
        || ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_PROM_LINE,
               "nginx_api_metrics_reset_timestamp_seconds %T\n",
               t->reset_time) != NGX_OK

        || ngx_http_api_prometheus_head(out, "nginx_api_reloads_total",
               "counter", "Configuration reloads the counters survived.")
           != NGX_OK
        || ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_PROM_LINE,
               "nginx_api_reloads_total %ui\n", t->generation) != NGX_OK

        || ngx_http_api_prometheus_head(out, "nginx_api_workers", "gauge",
               "Worker processes that report into the zone (old ones "
               "still shutting down included).") != NGX_OK
        || ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_PROM_LINE,
               "nginx_api_workers %ui\n", t->workers) != NGX_OK

        || ngx_http_api_prometheus_head(out,
               "nginx_api_redis_commands_in_flight", "gauge",
               "Commands sent to Redis and not answered yet.") != NGX_OK
        || ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_PROM_LINE,
               "nginx_api_redis_commands_in_flight %ui\n", t->in_flight)
           != NGX_OK

        || ngx_http_api_prometheus_head(out, "nginx_api_redis_connections",
               "gauge", "Redis connections of all workers by state.")
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < NGX_HTTP_API_M_CONN_STATES; i++) {
        if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_PROM_LINE,
                "nginx_api_redis_connections{state=\"%s\"} %ui\n",
                ngx_http_api_metrics_conn_states[i], t->conns[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* Only the method and status class pairs that have been seen. */

static ngx_int_t
ngx_http_api_prometheus_requests(ngx_http_api_metrics_out_t *out,
    ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t                        i, k, j;
    ngx_http_api_metrics_location_t   loc;

    if (ngx_http_api_prometheus_head(out, "nginx_api_requests_total",
            "counter", "Requests of the counted locations by location, "
            "method and status class.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; ngx_http_api_metrics_location_get(amcf, i, &loc) == NGX_OK;
         i++)
    {
        for (k = 0; k < NGX_HTTP_API_M_METHODS; k++) {
            for (j = 0; j < NGX_HTTP_API_M_CLASSES; j++) {

                if (loc.requests[k][j] == 0) {
                    continue;
                }

                if (ngx_http_api_metrics_out_printf(out,
                        NGX_HTTP_API_PROM_LINE + loc.prom.len,
                        "nginx_api_requests_total{location=\"%V\","
                        "method=\"%s\",status_class=\"%s\"} %ui\n",
                        &loc.prom, ngx_http_api_metrics_methods[k],
                        ngx_http_api_metrics_classes[j], loc.requests[k][j])
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }
            }
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_prometheus_durations(ngx_http_api_metrics_out_t *out,
    ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t                        i, b, n;
    ngx_http_api_metrics_location_t   loc;

    if (ngx_http_api_prometheus_head(out,
            "nginx_api_request_duration_seconds", "histogram",
            "Time from the first byte of a request to its log line "
            "($request_time), by location.") != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; ngx_http_api_metrics_location_get(amcf, i, &loc) == NGX_OK;
         i++)
    {
        n = 0;

        for (b = 0; b < NGX_HTTP_API_M_BUCKETS; b++) {
            n += loc.buckets[b];

            if (ngx_http_api_metrics_out_printf(out,
                    NGX_HTTP_API_PROM_LINE + loc.prom.len,
                    "nginx_api_request_duration_seconds_bucket"
                    "{location=\"%V\",le=\"%s\"} %ui\n",
                    &loc.prom, ngx_http_api_metrics_buckets[b], n)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        if (ngx_http_api_metrics_out_printf(out,
                2 * (NGX_HTTP_API_PROM_LINE + loc.prom.len),
                "nginx_api_request_duration_seconds_sum{location=\"%V\"} "
                "%ui.%03ui\n"
                "nginx_api_request_duration_seconds_count{location=\"%V\"} "
                "%ui\n",
                &loc.prom, loc.sum / 1000, loc.sum % 1000, &loc.prom, n)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* The Redis and policy counters: every label value, zeros too. */

static ngx_int_t
ngx_http_api_prometheus_families(ngx_http_api_metrics_out_t *out,
    ngx_http_api_metrics_totals_t *t)
{
    ngx_uint_t                            i;
    const ngx_http_api_metrics_family_t  *f;

    for (f = ngx_http_api_metrics_families; f->name != NULL; f++) {

        if (ngx_http_api_prometheus_head(out, f->name, "counter", f->help)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (f->label == NULL) {
            if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_PROM_LINE,
                    "%s %ui\n", f->name, t->counters[f->first])
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        for (i = 0; i < f->n; i++) {
            if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_PROM_LINE,
                    "%s{%s=\"%s\"} %ui\n", f->name, f->label, f->values[i],
                    t->counters[f->first + i])
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    return NGX_OK;
}
