# ngx_http_api_module on Debian 12's stock nginx.
#
#   docker build -t ngx-http-api .
#   docker run -p 8080:8080 -e API_REDIS_SERVER=redis:6379 ngx-http-api
#
# The build stage runs the same steps as a fresh Debian machine
# (tools/deps, make); CI proves those steps with `make test`.

FROM debian:bookworm-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN tools/deps build && make

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
         nginx-core libhiredis0.14 libjansson4 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/ngx_http_api_module.so /usr/lib/nginx/modules/
COPY conf/nginx.conf /etc/nginx/templates/nginx.conf.template
COPY tools/render-conf /usr/local/bin/render-conf
COPY docker/entrypoint.sh /docker-entrypoint.sh

# Every ${API_*} placeholder of conf/nginx.conf comes from here or -e.
ENV API_MODULE=/usr/lib/nginx/modules/ngx_http_api_module.so \
    API_LISTEN=8080 \
    API_REDIS_SERVER=redis:6379 \
    API_RUN_DIR=/run/nginx-api

EXPOSE 8080
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-c", "/etc/nginx/nginx.conf"]
