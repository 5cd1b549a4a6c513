def home(r): pass
therapy_list=therapy_detail=category_detail=emerging=care=home
