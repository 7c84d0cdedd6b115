"""PLACEHOLDER until the importer lands: the catalogue table's columns (CSV download and import)."""
CSV_COLUMNS = ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
               "公开对象", "公开方式", "公开层级", "索引号", "网址"]


def item_row(item, number, url):
    m = item.meta
    return [str(number), item.category, item.subcategory, "\n".join(m["公开内容"]), "\n".join(m["公开依据"]),
            m["公开时限"].get("说明", m["公开时限"]["类型"]), item.unit, "、".join(m["公开渠道"]), m["公开对象"],
            m["公开方式"], "、".join(m.get("公开层级", [])), item.index_no, url]
