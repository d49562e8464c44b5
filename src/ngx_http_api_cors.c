
/*
 * ngx_http_api_module: api_cors, CORS for browser clients.
 *
 * A preflight (OPTIONS with Origin and Access-Control-Request-Method) from
 * an allowed origin is answered in the preaccess phase, before the API
 * key and the rate limits (a preflight carries no key).  A header filter
 * adds Access-Control-Allow-Origin, -Credentials, -Expose-Headers and
 * Vary: Origin to every response to an allowed origin, whoever made it
 * (the API, a policy's refusal, nginx itself).  A request from any other
 * origin, or none, is left exactly as it is.
 */


#include "ngx_http_api_cors.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_response.h"


#define NGX_HTTP_API_CORS_EXPOSE                                             \
    "ETag, Location, Link, Retry-After, RateLimit, RateLimit-Policy, "        \
    "Idempotent-Replayed"

/* the request headers the module reads, always allowed */
#define NGX_HTTP_API_CORS_HEADERS                                            \
    "content-type,authorization,if-match,if-none-match,idempotency-key"

#define NGX_HTTP_API_CORS_LIST_MAX  4096


struct ngx_http_api_cors_s {
    ngx_array_t                 *origins;      /* ngx_str_t; NULL: any */
    ngx_flag_t                   credentials;
    ngx_str_t                    max_age;      /* seconds, or empty */
    ngx_str_t                    headers;      /* ",a,b,": allowed ones */
    ngx_flag_t                   any_header;   /* headers=* */
};


static char *ngx_http_api_cors_origin(ngx_conf_t *cf,
    ngx_http_api_cors_t *cors, ngx_str_t *value);
static char *ngx_http_api_cors_headers(ngx_conf_t *cf,
    ngx_http_api_cors_t *cors, ngx_str_t *value);
static ngx_table_elt_t *ngx_http_api_cors_allowed(ngx_http_request_t *r,
    ngx_http_api_cors_t *cors);
static ngx_int_t ngx_http_api_cors_preflight(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_cors_allow_headers(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_str_t *requested);
static ngx_uint_t ngx_http_api_cors_header_ok(ngx_http_api_cors_t *cors,
    ngx_http_api_loc_conf_t *alcf, u_char *p, size_t len);
static ngx_int_t ngx_http_api_cors_header_filter(ngx_http_request_t *r);


/* set once, at configuration time, as every nginx filter does */
static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


/*
 * api_cors origins=ORIGIN... | origins=* [credentials] [max_age=TIME]
 *          [headers=NAME,...|*];
 * api_cors off;
 */

char *
ngx_http_api_cors(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    char                 *rv;
    time_t                age;
    ngx_str_t            *value, s;
    ngx_uint_t            i, origins;
    ngx_http_api_cors_t  *cors;

    if (alcf->cors != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        alcf->cors = NULL;
        return NGX_CONF_OK;
    }

    cors = ngx_pcalloc(cf->pool, sizeof(ngx_http_api_cors_t));
    if (cors == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_str_set(&cors->headers, "," NGX_HTTP_API_CORS_HEADERS ",");

    origins = 0;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "origins=", 8) == 0) {
            if (origins) {
                return "has two \"origins=\"";
            }

            origins = 1;
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            rv = ngx_http_api_cors_origin(cf, cors, &s);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            /* the origins that follow, up to the next parameter */
            while (i + 1 < cf->args->nelts
                   && ngx_strlchr(value[i + 1].data,
                                  value[i + 1].data + value[i + 1].len, '=')
                      == NULL
                   && ngx_strcmp(value[i + 1].data, "credentials") != 0)
            {
                i++;
                rv = ngx_http_api_cors_origin(cf, cors, &value[i]);
                if (rv != NGX_CONF_OK) {
                    return rv;
                }
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "credentials") == 0) {
            cors->credentials = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            age = ngx_parse_time(&s, 1);
            if (age == (time_t) NGX_ERROR || age > 86400) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid \"max_age\" \"%V\" in "
                                   "\"api_cors\": a time up to 24h", &s);
                return NGX_CONF_ERROR;
            }

            cors->max_age.data = ngx_pnalloc(cf->pool, NGX_TIME_T_LEN);
            if (cors->max_age.data == NULL) {
                return NGX_CONF_ERROR;
            }

            cors->max_age.len = ngx_sprintf(cors->max_age.data, "%T", age)
                                - cors->max_age.data;
            continue;
        }

        if (ngx_strncmp(value[i].data, "headers=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            rv = ngx_http_api_cors_headers(cf, cors, &s);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\" in \"api_cors\"",
                           &value[i]);
        return NGX_CONF_ERROR;
    }

    if (!origins) {
        return "needs \"origins=\"";
    }

    if (cors->origins == NGX_CONF_UNSET_PTR) {
        /* origins=*: any origin */
        cors->origins = NULL;
    }

    if (cors->origins == NULL && cors->credentials) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"api_cors\" cannot allow \"credentials\" for "
                           "origins=*: list the origins");
        return NGX_CONF_ERROR;
    }

    alcf->cors = cors;

    return NGX_CONF_OK;
}


/* "*", or scheme://host[:port] with nothing after it. */

static char *
ngx_http_api_cors_origin(ngx_conf_t *cf, ngx_http_api_cors_t *cors,
    ngx_str_t *value)
{
    u_char      *p, *end;
    ngx_str_t   *o;
    ngx_uint_t   port;

    if (value->len == 1 && value->data[0] == '*') {
        if (cors->origins != NULL) {
            goto invalid;
        }

        /* any origin (NULL once parsed); nothing may follow */
        cors->origins = NGX_CONF_UNSET_PTR;
        return NGX_CONF_OK;
    }

    if (cors->origins == NGX_CONF_UNSET_PTR) {
        goto invalid;
    }

    p = value->data;
    end = p + value->len;

    if (value->len > 7 && ngx_strncmp(p, "http://", 7) == 0) {
        p += 7;

    } else if (value->len > 8 && ngx_strncmp(p, "https://", 8) == 0) {
        p += 8;

    } else {
        goto invalid;
    }

    if (*p == '[') {
        for (p++; p < end && (isxdigit(*p) || *p == ':' || *p == '.'); p++) {
            /* void */
        }

        if (p == end || *p++ != ']') {
            goto invalid;
        }

    } else {
        if (p == end || *p == '.' || *p == '-') {
            goto invalid;
        }

        for ( /* void */ ; p < end && (isalnum(*p) || *p == '.' || *p == '-');
             p++)
        {
            /* void */
        }
    }

    if (p < end) {
        if (*p++ != ':' || p == end || end - p > 5) {
            goto invalid;
        }

        for (port = 0; p < end && *p >= '0' && *p <= '9'; p++) {
            port = port * 10 + (*p - '0');
        }

        if (p < end || port == 0 || port > 65535) {
            goto invalid;
        }
    }

    if (cors->origins == NULL) {
        cors->origins = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
        if (cors->origins == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    o = ngx_array_push(cors->origins);
    if (o == NULL) {
        return NGX_CONF_ERROR;
    }

    *o = *value;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid origin \"%V\" in \"api_cors\": use "
                       "scheme://host[:port], or * alone", value);
    return NGX_CONF_ERROR;
}


/* headers=a,b,c adds to the ones the module reads; headers=* any. */

static char *
ngx_http_api_cors_headers(ngx_conf_t *cf, ngx_http_api_cors_t *cors,
    ngx_str_t *value)
{
    u_char  *p, *q;
    size_t   i;

    if (value->len == 1 && value->data[0] == '*') {
        cors->any_header = 1;
        return NGX_CONF_OK;
    }

    if (value->len == 0 || value->len > NGX_HTTP_API_CORS_LIST_MAX) {
        goto invalid;
    }

    p = ngx_pnalloc(cf->pool, cors->headers.len + value->len + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    q = ngx_cpymem(p, cors->headers.data, cors->headers.len);

    for (i = 0; i < value->len; i++) {
        if (value->data[i] == ',') {
            if (q[-1] == ',') {
                goto invalid;
            }

            *q++ = ',';
            continue;
        }

        if (!isalnum(value->data[i]) && value->data[i] != '-'
            && value->data[i] != '_')
        {
            goto invalid;
        }

        *q++ = ngx_tolower(value->data[i]);
    }

    if (q[-1] != ',') {
        *q++ = ',';
    }

    cors->headers.data = p;
    cors->headers.len = q - p;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid \"headers=%V\" in \"api_cors\": header "
                       "names separated by commas, or *", value);
    return NGX_CONF_ERROR;
}


char *
ngx_http_api_cors_merge(ngx_http_api_loc_conf_t *prev,
    ngx_http_api_loc_conf_t *conf)
{
    ngx_conf_merge_ptr_value(conf->cors, prev->cors, NULL);

    return NGX_CONF_OK;
}


ngx_int_t
ngx_http_api_cors_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PREACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_api_cors_preflight;

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_api_cors_header_filter;

    return NGX_OK;
}


/* The request's Origin header when it is an allowed one, else NULL. */

static ngx_table_elt_t *
ngx_http_api_cors_allowed(ngx_http_request_t *r, ngx_http_api_cors_t *cors)
{
    ngx_str_t        *o;
    ngx_uint_t        i, n;
    ngx_table_elt_t  *h;

    n = 0;
    h = ngx_http_api_parse_header(r, (u_char *) "Origin", 6, &n);

    if (h == NULL || n != 1 || h->value.len == 0) {
        return NULL;
    }

    if (cors->origins == NULL) {
        return h;
    }

    o = cors->origins->elts;

    for (i = 0; i < cors->origins->nelts; i++) {
        if (o[i].len == h->value.len
            && ngx_strncasecmp(o[i].data, h->value.data, o[i].len) == 0)
        {
            return h;
        }
    }

    return NULL;
}


/*
 * A preflight from an allowed origin: 204 with the method and the
 * allowed ones of the requested headers echoed; the header filter adds
 * the origin.  Anything else goes on unchanged.
 */

static ngx_int_t
ngx_http_api_cors_preflight(ngx_http_request_t *r)
{
    u_char                   *p;
    ngx_int_t                 rc;
    ngx_table_elt_t          *method, *headers;
    ngx_http_api_loc_conf_t  *alcf;

    if (r != r->main || r->method != NGX_HTTP_OPTIONS) {
        return NGX_DECLINED;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (alcf->cors == NULL || ngx_http_api_cors_allowed(r, alcf->cors) == NULL)
    {
        return NGX_DECLINED;
    }

    method = ngx_http_api_parse_header(r,
                                       (u_char *) "Access-Control-Request-"
                                       "Method", 29, NULL);
    if (method == NULL || method->value.len == 0) {
        return NGX_DECLINED;
    }

    for (p = method->value.data; p < method->value.data + method->value.len;
         p++)
    {
        if (!isalpha(*p)) {
            /* not a method this module knows: no preflight answer */
            return NGX_DECLINED;
        }
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api cors: preflight for %V", &method->value);

    rc = ngx_http_api_discard_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_api_add_header(r, "Access-Control-Allow-Methods",
                                method->value.data, method->value.len)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    headers = ngx_http_api_parse_header(r,
                                        (u_char *) "Access-Control-Request-"
                                        "Headers", 30, NULL);

    if (headers != NULL
        && ngx_http_api_cors_allow_headers(r, alcf, &headers->value)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (alcf->cors->max_age.len
        && ngx_http_api_add_header(r, "Access-Control-Max-Age",
                                   alcf->cors->max_age.data,
                                   alcf->cors->max_age.len)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_finalize_request(r,
        ngx_http_api_send_json(r, NGX_HTTP_NO_CONTENT, NULL, 0));

    return NGX_DONE;
}


/* Access-Control-Allow-Headers: those requested that are allowed. */

static ngx_int_t
ngx_http_api_cors_allow_headers(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_str_t *requested)
{
    u_char  *p, *end, *name, *out, *q;

    out = ngx_pnalloc(r->pool, requested->len + 1);
    if (out == NULL) {
        return NGX_ERROR;
    }

    q = out;
    p = requested->data;
    end = p + requested->len;

    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }

        name = p;

        while (p < end && *p != ',' && *p != ' ' && *p != '\t') {
            p++;
        }

        if (p > name
            && ngx_http_api_cors_header_ok(alcf->cors, alcf, name, p - name))
        {
            if (q != out) {
                *q++ = ',';
            }

            q = ngx_cpymem(q, name, p - name);
        }
    }

    if (q == out) {
        return NGX_OK;
    }

    return ngx_http_api_add_header(r, "Access-Control-Allow-Headers", out,
                                   q - out);
}


static ngx_uint_t
ngx_http_api_cors_header_ok(ngx_http_api_cors_t *cors,
    ngx_http_api_loc_conf_t *alcf, u_char *name, size_t len)
{
    u_char  *p, *end;

    if (cors->any_header) {
        return 1;
    }

    if (len == alcf->key_header.len
        && ngx_strncasecmp(name, alcf->key_header.data, len) == 0)
    {
        return 1;
    }

    p = cors->headers.data;
    end = p + cors->headers.len;

    /* the list is ",a,b,": find ",name," */
    for ( /* void */ ; p + len + 2 <= end; p++) {
        if (p[0] == ',' && p[len + 1] == ','
            && ngx_strncasecmp(p + 1, name, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_api_cors_header_filter(ngx_http_request_t *r)
{
    ngx_table_elt_t          *origin;
    ngx_http_api_loc_conf_t  *alcf;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (alcf->cors == NULL) {
        return ngx_http_next_header_filter(r);
    }

    origin = ngx_http_api_cors_allowed(r, alcf->cors);

    if (origin == NULL) {
        return ngx_http_next_header_filter(r);
    }

    if (alcf->cors->origins == NULL) {
        if (ngx_http_api_set_header(r, "Access-Control-Allow-Origin", "*")
            != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else if (ngx_http_api_add_header(r, "Access-Control-Allow-Origin",
                                       origin->value.data,
                                       origin->value.len)
               != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (alcf->cors->credentials
        && ngx_http_api_set_header(r, "Access-Control-Allow-Credentials",
                                   "true")
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_api_set_header(r, "Access-Control-Expose-Headers",
                                NGX_HTTP_API_CORS_EXPOSE)
        != NGX_OK
        || ngx_http_api_set_header(r, "Vary", "Origin") != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_next_header_filter(r);
}
