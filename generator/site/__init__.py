"""What pages the wiki has and their Markdown (Jinja2 templates), assets, site search and charts."""
