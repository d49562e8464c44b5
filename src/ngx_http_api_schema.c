
/*
 * ngx_http_api_module: compiles a JSON Schema (draft-07) into the nodes
 * ngx_http_api_schema_validate() walks: the entry points, a node and its
 * $id, and the resolution of $refs (the keywords: _schema_keyword.c).
 */


#include "ngx_http_api_schema_int.h"


static ngx_int_t ngx_http_api_schema_refs(ngx_http_api_schema_cc_t *cc);
static ngx_int_t ngx_http_api_schema_loop(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n);
static ngx_int_t ngx_http_api_schema_loop_list(ngx_http_api_schema_cc_t *cc,
    ngx_array_t *a);
static ngx_http_api_schema_node_t *ngx_http_api_schema_target(
    ngx_http_api_schema_cc_t *cc, ngx_http_api_schema_node_t *from);
static json_t *ngx_http_api_schema_pointer(json_t *json, u_char *p,
    u_char *last);
static void ngx_http_api_schema_cleanup(void *data);


ngx_http_api_schema_t *
ngx_http_api_schema_read(ngx_pool_t *pool, const char *file, ngx_str_t *err)
{
    u_char                 *p;
    size_t                  len;
    json_t                 *json;
    json_error_t            jerr;
    ngx_http_api_schema_t  *schema;

    json = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);

    if (json == NULL) {
        len = ngx_strlen(file) + sizeof(jerr.text) + 64;
        p = ngx_pnalloc(pool, len);
        if (p == NULL) {
            return NULL;
        }

        err->data = p;
        err->len = ngx_snprintf(p, len, "%s: line %d, column %d: %s", file,
                                jerr.line, jerr.column, jerr.text)
                   - p;
        return NULL;
    }

    schema = ngx_http_api_schema_compile(pool, json, err);
    json_decref(json);

    if (schema == NULL && err->len) {
        len = ngx_strlen(file) + 2 + err->len;
        p = ngx_pnalloc(pool, len);
        if (p == NULL) {
            return NULL;
        }

        err->len = ngx_sprintf(p, "%s: %V", file, err) - p;
        err->data = p;
    }

    return schema;
}


ngx_http_api_schema_t *
ngx_http_api_schema_compile(ngx_pool_t *pool, json_t *json, ngx_str_t *err)
{
    ngx_str_t                  path, base;
    ngx_pool_cleanup_t        *cln;
    ngx_http_api_schema_t     *schema;
    ngx_http_api_schema_cc_t   cc;

    ngx_str_null(err);

    cln = ngx_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_api_schema_cleanup;
    cln->data = json_incref(json);

    schema = ngx_palloc(pool, sizeof(ngx_http_api_schema_t));
    if (schema == NULL) {
        return NULL;
    }

    schema->json = json;

    cc.pool = pool;
    cc.err = err;

    if (ngx_array_init(&cc.nodes, pool, 16, sizeof(void *)) != NGX_OK) {
        return NULL;
    }

    /* never NULL data: they are copied from, with a length of 0 */
    ngx_str_set(&path, "");
    path.len = 0;
    base = path;

    schema->root = ngx_http_api_schema_node(&cc, json, &path, &base);
    if (schema->root == NULL) {
        return NULL;
    }

    if (ngx_http_api_schema_refs(&cc) != NGX_OK) {
        return NULL;
    }

    return schema;
}


static void
ngx_http_api_schema_cleanup(void *data)
{
    json_decref(data);
}


ngx_http_api_schema_node_t *
ngx_http_api_schema_node(ngx_http_api_schema_cc_t *cc, json_t *json,
    ngx_str_t *path, ngx_str_t *base)
{
    json_t                       *v;
    ngx_http_api_schema_node_t   *n, **np;

    if (!json_is_object(json) && !json_is_boolean(json)) {
        ngx_http_api_schema_error(cc, path, NULL,
                                  "a schema must be an object or a boolean");
        return NULL;
    }

    n = ngx_pcalloc(cc->pool, sizeof(ngx_http_api_schema_node_t));
    if (n == NULL) {
        return NULL;
    }

    np = ngx_array_push(&cc->nodes);
    if (np == NULL) {
        return NULL;
    }

    *np = n;

    n->path = *path;
    n->json = json;
    n->base = *base;
    n->max_length = NGX_MAX_SIZE_T_VALUE;
    n->max_items = NGX_MAX_SIZE_T_VALUE;
    n->max_properties = NGX_MAX_SIZE_T_VALUE;

    if (json_is_false(json)) {
        n->flags = NGX_HTTP_API_SCHEMA_F_FALSE;
    }

    if (!json_is_object(json)) {
        return n;
    }

    v = json_object_get(json, "$id");

    if (v != NULL) {
        if (!json_is_string(v)) {
            ngx_http_api_schema_error(cc, path, "$id", "must be a string");
            return NULL;
        }

        if (ngx_http_api_schema_resolve_uri(cc->pool, base,
                                            json_string_value(v),
                                            json_string_length(v), &n->id)
            != NGX_OK)
        {
            return NULL;
        }

        if (n->id.len > 0 && n->id.data[n->id.len - 1] == '#') {
            /* an empty fragment names the same document */
            n->id.len--;
        }

        if (ngx_strlchr(n->id.data, n->id.data + n->id.len, '#') == NULL) {
            n->base = n->id;
        }
    }

    if (path->len == 0 && v == NULL) {
        /* the root, when it names itself nothing */
        n->id.data = (u_char *) "";
    }

    if (ngx_http_api_schema_keywords(cc, n) != NGX_OK) {
        return NULL;
    }

    return n;
}


/* path = parent "/" kw ["/" key], key escaped (RFC 6901: ~0 ~1) */

ngx_int_t
ngx_http_api_schema_path(ngx_pool_t *pool, ngx_str_t *path,
    ngx_str_t *parent, const char *kw, const char *key, size_t len)
{
    u_char  *p;
    size_t   i, n;

    n = parent->len + 1 + ngx_strlen(kw);

    if (key != NULL) {
        n += 1 + len;

        for (i = 0; i < len; i++) {
            n += (key[i] == '~' || key[i] == '/');
        }
    }

    p = ngx_pnalloc(pool, n);
    if (p == NULL) {
        return NGX_ERROR;
    }

    path->data = p;
    path->len = n;

    p = ngx_cpymem(p, parent->data, parent->len);
    *p++ = '/';
    p = ngx_cpymem(p, kw, ngx_strlen(kw));

    if (key != NULL) {
        *p++ = '/';

        for (i = 0; i < len; i++) {
            if (key[i] == '~' || key[i] == '/') {
                *p++ = '~';
                *p++ = (key[i] == '~') ? '0' : '1';

            } else {
                *p++ = key[i];
            }
        }
    }

    return NGX_OK;
}


/*
 * RFC 3986 reference resolution, enough for $id and $ref: a reference
 * with a scheme stands alone; "//", "/", "#" and relative paths are
 * taken against the base.  Dot segments are left as they are.
 */

ngx_int_t
ngx_http_api_schema_resolve_uri(ngx_pool_t *pool, ngx_str_t *base,
    const char *ref, size_t len, ngx_str_t *uri)
{
    u_char  *p, *b, *end, *last;
    size_t   keep, i;

    for (i = 0; i < len; i++) {
        if (!(ref[i] >= 'a' && ref[i] <= 'z') && !(ref[i] >= 'A'
                                                   && ref[i] <= 'Z')
            && !(i > 0 && ((ref[i] >= '0' && ref[i] <= '9')
                           || ref[i] == '+' || ref[i] == '-'
                           || ref[i] == '.')))
        {
            break;
        }
    }

    b = base->data;
    end = b + base->len;

    if (i > 0 && i < len && ref[i] == ':') {
        keep = 0;

    } else if (len > 0 && ref[0] == '#') {
        last = ngx_strlchr(b, end, '#');
        keep = (last == NULL ? end : last) - b;

    } else {
        /* the scheme and authority of the base */
        p = ngx_strlchr(b, end, ':');
        p = (p == NULL) ? b : p + 1;

        if (len > 1 && ref[0] == '/' && ref[1] == '/') {
            keep = p - b;

        } else {
            if (end - p > 1 && p[0] == '/' && p[1] == '/') {
                p += 2;
                while (p < end && *p != '/' && *p != '?' && *p != '#') {
                    p++;
                }
            }

            if (len > 0 && ref[0] == '/') {
                keep = p - b;

            } else {
                /* up to the last "/" of the base's path */
                keep = p - b;

                for (last = p; last < end && *last != '?' && *last != '#';
                     last++)
                {
                    if (*last == '/') {
                        keep = last + 1 - b;
                    }
                }
            }
        }
    }

    p = ngx_pnalloc(pool, keep + len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    uri->data = p;
    uri->len = ngx_cpymem(ngx_cpymem(p, b, keep), ref, len) - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_refs(ngx_http_api_schema_cc_t *cc)
{
    ngx_uint_t                    i;
    ngx_http_api_schema_node_t   *n;

    /* the list grows while refs compile the places they point to */

    for (i = 0; i < cc->nodes.nelts; i++) {
        n = ((ngx_http_api_schema_node_t **) cc->nodes.elts)[i];

        if (n->flags & NGX_HTTP_API_SCHEMA_F_REF) {
            n->ref = ngx_http_api_schema_target(cc, n);
            if (n->ref == NULL) {
                return NGX_ERROR;
            }
        }
    }

    for (i = 0; i < cc->nodes.nelts; i++) {
        n = ((ngx_http_api_schema_node_t **) cc->nodes.elts)[i];

        if (ngx_http_api_schema_loop(cc, n) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * A schema that reaches itself through keywords that apply to the same
 * value ($ref, allOf, anyOf, oneOf, not, if/then/else, a dependency's
 * schema) would recurse forever: refused.  Depth first, marking the
 * nodes on the way (1) and those known to end (2).
 */

static ngx_int_t
ngx_http_api_schema_loop(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n)
{
    ngx_uint_t                   i;
    ngx_http_api_schema_dep_t   *dep;
    ngx_http_api_schema_node_t  *subs[5];

    if (n->mark == 2) {
        return NGX_OK;
    }

    if (n->mark == 1) {
        return ngx_http_api_schema_error(cc, &n->path, NULL,
                        "applies to itself again without descending into "
                        "the document (a $ref loop)");
    }

    n->mark = 1;

    subs[0] = n->ref;
    subs[1] = n->not;
    subs[2] = n->if_;
    subs[3] = n->then;
    subs[4] = n->else_;

    for (i = 0; i < 5; i++) {
        if (subs[i] != NULL && ngx_http_api_schema_loop(cc, subs[i]) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_api_schema_loop_list(cc, n->all_of) != NGX_OK
        || ngx_http_api_schema_loop_list(cc, n->any_of) != NGX_OK
        || ngx_http_api_schema_loop_list(cc, n->one_of) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (n->dependencies != NULL) {
        dep = n->dependencies->elts;

        for (i = 0; i < n->dependencies->nelts; i++) {
            if (dep[i].schema != NULL
                && ngx_http_api_schema_loop(cc, dep[i].schema) != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    n->mark = 2;

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_loop_list(ngx_http_api_schema_cc_t *cc, ngx_array_t *a)
{
    ngx_uint_t                    i;
    ngx_http_api_schema_node_t  **sub;

    if (a == NULL) {
        return NGX_OK;
    }

    sub = a->elts;

    for (i = 0; i < a->nelts; i++) {
        if (ngx_http_api_schema_loop(cc, sub[i]) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_http_api_schema_node_t *
ngx_http_api_schema_target(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *from)
{
    u_char                       *p, *q, *hash, *end, *d;
    json_t                       *json;
    ngx_str_t                     doc, frag, path;
    ngx_uint_t                    i;
    ngx_http_api_schema_node_t   *n, *base, **nodes;

    p = from->ref_uri.data;
    end = p + from->ref_uri.len;
    hash = ngx_strlchr(p, end, '#');

    doc.data = p;
    doc.len = (hash == NULL ? end : hash) - p;

    /* the fragment, percent-decoded */

    frag.data = ngx_pnalloc(cc->pool, from->ref_uri.len + 1);
    if (frag.data == NULL) {
        return NULL;
    }

    d = frag.data;

    for (q = (hash == NULL) ? end : hash + 1; q < end; q++) {
        if (*q == '%' && end - q > 2 && isxdigit(q[1]) && isxdigit(q[2])) {
            *d++ = (u_char) ngx_hextoi(q + 1, 2);
            q += 2;

        } else {
            *d++ = *q;
        }
    }

    frag.len = d - frag.data;

    nodes = cc->nodes.elts;
    base = NULL;

    for (i = 0; i < cc->nodes.nelts; i++) {
        n = nodes[i];

        if (n->id.data != NULL && n->id.len == doc.len
            && ngx_memcmp(n->id.data, doc.data, doc.len) == 0)
        {
            base = n;
            break;
        }
    }

    if (base == NULL) {
        ngx_http_api_schema_error(cc, &from->path, "$ref",
                                  "names a remote schema: not supported");
        return NULL;
    }

    if (frag.len == 0) {
        return base;
    }

    if (frag.data[0] != '/') {
        /* a plain name: the subschema whose $id is "#name" */

        for (i = 0; i < cc->nodes.nelts; i++) {
            n = nodes[i];

            if (n->id.len == doc.len + 1 + frag.len
                && ngx_memcmp(n->id.data, doc.data, doc.len) == 0
                && n->id.data[doc.len] == '#'
                && ngx_memcmp(n->id.data + doc.len + 1, frag.data, frag.len)
                   == 0)
            {
                return n;
            }
        }

        ngx_http_api_schema_error(cc, &from->path, "$ref",
                                  "names no subschema");
        return NULL;
    }

    path.len = base->path.len + frag.len;
    path.data = ngx_pnalloc(cc->pool, path.len);
    if (path.data == NULL) {
        return NULL;
    }

    ngx_memcpy(ngx_cpymem(path.data, base->path.data, base->path.len),
               frag.data, frag.len);

    json = ngx_http_api_schema_pointer(base->json, frag.data,
                                       frag.data + frag.len);

    if (json == NULL) {
        ngx_http_api_schema_error(cc, &from->path, "$ref",
                                  "points to nothing");
        return NULL;
    }

    if (json_is_object(json)) {
        for (i = 0; i < cc->nodes.nelts; i++) {
            if (nodes[i]->json == json) {
                return nodes[i];
            }
        }
    }

    /* a place no keyword made a schema of: compile it now */

    return ngx_http_api_schema_node(cc, json, &path, &base->base);
}


/* RFC 6901: the value at "/a/b~1c/0" */

static json_t *
ngx_http_api_schema_pointer(json_t *json, u_char *p, u_char *last)
{
    u_char  *q, *d, *token;
    size_t   index;

    while (p < last && json != NULL) {
        /* *p == '/': the token, unescaped in place */
        token = ++p;
        d = p;

        for (q = p; q < last && *q != '/'; q++) {
            if (*q != '~') {
                *d++ = *q;
                continue;
            }

            if (q + 1 == last || (q[1] != '0' && q[1] != '1')) {
                return NULL;
            }

            *d++ = (q[1] == '0') ? '~' : '/';
            q++;
        }

        p = q;

        if (json_is_object(json)) {
            json = json_object_getn(json, (char *) token, d - token);

        } else if (json_is_array(json)) {
            if (d == token || d - token > 9 || (*token == '0' && d > token + 1))
            {
                return NULL;
            }

            index = 0;

            for (q = token; q < d; q++) {
                if (*q < '0' || *q > '9') {
                    return NULL;
                }

                index = index * 10 + (*q - '0');
            }

            json = json_array_get(json, index);

        } else {
            return NULL;
        }
    }

    return json;
}


ngx_int_t
ngx_http_api_schema_error(ngx_http_api_schema_cc_t *cc, ngx_str_t *path,
    const char *kw, const char *msg)
{
    u_char  *p;
    size_t   len;

    len = sizeof("at \"/\": ") + path->len + ngx_strlen(msg)
          + (kw ? ngx_strlen(kw) : 0);

    p = ngx_pnalloc(cc->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    cc->err->data = p;
    cc->err->len = ngx_sprintf(p, "at \"%V%s%s\": %s", path,
                               kw ? "/" : "", kw ? kw : "", msg)
                   - p;

    return NGX_ERROR;
}
