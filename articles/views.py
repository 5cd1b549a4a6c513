def article_list(r): pass
article_detail=article_list
