"""Golden segmentation: domain compounds survive, in the contexts of data/raw where jieba breaks them.

Each sentence is (a Simplified rendering of) a sentence of data/raw/; the listed terms must come
out as single tokens with both backends. Several fail with plain jieba (shown in the comment),
which is what the user dictionary and the delete list are for.
"""

from __future__ import annotations

import jieba
import pytest

from analysis.text.tokens import cut

GOLDEN = [
    # plain jieba: 战斗/堡垒作用 (built-in 堡垒作用 swallows the term; see dict_delete.txt)
    ("充分发挥村级党组织战斗堡垒作用", ["村级党组织", "战斗堡垒"]),
    # plain jieba: 先锋/模范作用
    ("战斗堡垒作用和先锋模范作用进一步彰显", ["战斗堡垒", "先锋模范作用"]),
    # plain jieba: 农村基层/党组织
    ("农村基层党组织作为党在农村全部工作战斗力的基础", ["基层党组织"]),
    # plain jieba: 基层组织/建设
    ("抓好基层组织建设,就意味着抓住了工作全部", ["基层组织建设"]),
    ("以创先争优为切入点,深入开展主题活动", ["创先争优"]),
    ("进一步促进招商引资和项目建设的蓬勃发展", ["招商引资", "项目建设"]),
    # plain jieba: 社会主义/新/农村/建设
    ("积极开展社会主义新农村建设", ["新农村建设"]),
    ("以村“两委”换届为契机,选好配强了“两委”班子", ["两委"]),
    ("全镇90%的村实现了村支“两委”班子成员交叉任职", ["两委", "班子成员"]),
    # plain jieba: 非公有制/经济
    ("积极探索服务非公有制经济的新路子", ["非公有制经济"]),
    ("统战部长主抓非公有制经济工作,做好统战工作", ["统战部长", "非公有制经济", "统战工作"]),
    # plain jieba: 升级/晋档 ; 科学/发展
    ("开展村级党组织“升级晋档、科学发展”活动", ["村级党组织", "升级晋档", "科学发展"]),
    ("采取典型示范带动、三联共建、主题党建活动等措施", ["三联共建"]),
    # plain jieba: 双基四/落实
    ("广泛深入地开展了“双基四落实”活动", ["双基四落实"]),
    ("深化“四比两认证”,引导非公有制企业提升核心竞争力", ["四比两认证", "非公有制企业"]),
    # plain jieba: 镇域/经济 ; 县域/经济
    ("发展镇域经济是关键,服务县域经济发展", ["镇域经济", "县域经济"]),
    ("促进全镇经济社会又好又快发展", ["又好又快"]),
    ("坚持以人为本科学发展观", ["以人为本", "科学发展观"]),
    ("深入开展“两为一比”、“五抓促作风”等主题活动", ["两为一比", "五抓促作风"]),
    ("按照农村党支部“五个好”标准", ["五个好"]),
    ("提升抓“四个一”的能力", ["四个一"]),
    ("按照打造三大基地,建设一个商贸物流园区", ["三大基地"]),
    ("镇党委就一直致力于建设服务型政府工作", ["服务型政府"]),
    ("通过开展“三联共建”、“结对帮扶”、党员中心户等活动", ["结对帮扶", "党员中心户"]),
    ("大力实施“一村一品”和强村大户战略,突出农民增收", ["一村一品", "农民增收"]),
    ("充分发挥驻村干部作用", ["驻村干部"]),
    ("全镇没有出现一次群体上访和越级上访", ["群体上访", "越级上访"]),
    ("实施“筑巢引凤”战略,树立亲商安商的良好形象", ["筑巢引凤", "亲商安商"]),
    ("天长镇在构建政治稳定的和谐天长进程中", ["天长镇"]),
    # national/provincial reports (reference corpus): 供给/侧/结构性/改革, 稳/增长, 调/结构 …
    ("深入推进供给侧结构性改革,推动高质量发展", ["供给侧结构性改革", "高质量发展"]),
    ("稳增长、调结构、惠民生、防风险", ["稳增长", "调结构", "惠民生", "防风险"]),
    ("“十三五”时期经济社会发展,持续优化营商环境", ["十三五", "营商环境"]),
]


@pytest.mark.parametrize("backend", ["fast", "jieba"])
@pytest.mark.parametrize(("sentence", "terms"), GOLDEN, ids=[g[0][:12] for g in GOLDEN])
def test_domain_terms_survive(sentence, terms, backend):
    words = cut(sentence, backend=backend)
    assert "".join(words) == sentence
    for term in terms:
        assert term in words, f"{term} split in {'/'.join(words)}"


def test_the_dictionary_matters():
    """Plain jieba (no user dictionary) breaks at least half of these terms: the test can fail."""
    broken = 0
    total = 0
    for sentence, terms in GOLDEN:
        words = jieba.lcut(sentence)
        total += len(terms)
        broken += sum(term not in words for term in terms)
    assert broken >= total // 2
