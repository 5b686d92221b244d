// The configuration of the official nginx Docker image (nginxinc/docker-nginx), which installs the
// nginx.org Debian package: /etc/nginx/nginx.conf and /etc/nginx/conf.d/default.conf as packaged
// (nginx/pkg-oss debian/nginx.conf and the default virtual host), plus the `listen [::]:80;` line
// that the image's entrypoint script 10-listen-on-ipv6-by-default.sh inserts at start-up when the
// container has IPv6. Two generations:
// - 1.19: Oct 2020, the ICTSC write-up's era (worker_processes 1, error_log level warn).
// - 1.2x: since 1.20/1.21 (pkg-oss 2021-04-13: worker_processes auto, error_log level notice).

export const NGINX_CONF_1_19 = `
user  nginx;
worker_processes  1;

error_log  /var/log/nginx/error.log warn;
pid        /var/run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`;

export const NGINX_CONF_1_2X = NGINX_CONF_1_19
  .replace('worker_processes  1;', 'worker_processes  auto;')
  .replace('error_log  /var/log/nginx/error.log warn;', 'error_log  /var/log/nginx/error.log notice;');

const DEFAULT_CONF_BODY = `
    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }

    # proxy the PHP scripts to Apache listening on 127.0.0.1:80
    #
    #location ~ \\.php$ {
    #    proxy_pass   http://127.0.0.1;
    #}

    # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000
    #
    #location ~ \\.php$ {
    #    root           html;
    #    fastcgi_pass   127.0.0.1:9000;
    #    fastcgi_index  index.php;
    #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;
    #    include        fastcgi_params;
    #}

    # deny access to .htaccess files, if Apache's document root
    # concurs with nginx's one
    #
    #location ~ /\\.ht {
    #    deny  all;
    #}
}
`;

/** conf.d/default.conf as running in a 1.19 container (with the IPv6 listen the entrypoint adds). */
export const DEFAULT_CONF_1_19 = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    #charset koi8-r;${DEFAULT_CONF_BODY}`;

/** conf.d/default.conf as running in a 1.21+ container. */
export const DEFAULT_CONF_1_2X = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;
${DEFAULT_CONF_BODY}`;

export const NGINX_IMAGE_PATHS = {
  nginxConf: '/etc/nginx/nginx.conf',
  defaultConf: '/etc/nginx/conf.d/default.conf',
  htmlRoot: '/usr/share/nginx/html',
} as const;
