"""A self-contained, offline interactive topic view (LDAvis-like) as one HTML string.

No external script, style or font URL: data are embedded as JSON and drawn with inline SVG and
vanilla JavaScript; the CJK font of the figures is embedded as a subset holding only the
characters on the page (WOFF2 data URL, see :func:`analysis.fonts.embedded_font_face`), so
Chinese renders on machines without any CJK font. Numbers in the data are rounded to 6
significant digits (:data:`DIGITS`), so the file does not change with last-bit float noise. Left: the intertopic distance map -- topics placed by classical
multidimensional scaling (principal coordinates) of the Jensen–Shannon distances between their
term distributions, as in LDAvis; circle area ∝ the topic's share of tokens. Right: the top
terms of the selected topic ranked by relevance, with a λ slider (Sievert & Shirley 2014); grey
bars are corpus frequencies, coloured bars the topic's estimated frequency. Below: the most
representative paragraphs, when given.
"""

from __future__ import annotations

import html as _html
import json

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon

from .result import TopicResult, readable_labels

#: Significant digits of every number embedded in the page.
DIGITS = 6

_DEFAULT_FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
)


def intertopic_coordinates(topic_word: np.ndarray) -> np.ndarray:
    """2-D principal-coordinate embedding of Jensen–Shannon distances, shape (k, 2).

    Deterministic: the sign of each axis is fixed so that its largest coordinate is positive.
    """
    k = topic_word.shape[0]
    d = np.array([[jensenshannon(a, b, base=2) for b in topic_word] for a in topic_word])
    d = np.nan_to_num(d)
    j = np.eye(k) - 1.0 / k
    b = -0.5 * j @ (d**2) @ j
    vals, vecs = np.linalg.eigh(b)
    order = np.argsort(vals)[::-1][:2]
    coords = vecs[:, order] * np.sqrt(np.maximum(vals[order], 0.0))
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    for c in range(2):
        if coords[np.argmax(np.abs(coords[:, c])), c] < 0:
            coords[:, c] *= -1
    return coords


def _font_css() -> str:
    try:
        from analysis.fonts import cjk_font_css

        return cjk_font_css()
    except Exception:  # fonts module missing or matplotlib unavailable: a static stack
        return _DEFAULT_FONT


def _num(x: float) -> float:
    """``x`` rounded to :data:`DIGITS` significant digits (as JSON prints it)."""
    return float(f"{float(x):.{DIGITS}g}")


def _payload(result: TopicResult, *, n_terms: int, examples: pd.DataFrame | None) -> dict:
    from .interpret import term_relevance

    tf = result.term_freq if result.term_freq is not None else np.ones(len(result.vocab))
    total = float(tf.sum())
    pw = tf / total
    prev = result.prevalence()
    keep: set[int] = set(np.argsort(-tf, kind="stable")[:n_terms].tolist())
    for lam in np.linspace(0, 1, 6):
        rel = term_relevance(result, lambda_=float(lam))
        keep.update(np.argsort(-rel, axis=1, kind="stable")[:, :n_terms].ravel().tolist())
    cols = sorted(keep)
    coords = intertopic_coordinates(result.topic_word)
    ex: dict[str, list] = {}
    if examples is not None and len(examples):
        for t, g in examples.sort_values(["topic", "rank"]).groupby("topic"):
            ex[str(int(t))] = [
                [str(r.unit_id), _num(r.weight), str(r.text_original)[:400]] for r in g.itertuples()
            ]
    return {
        "model": result.name,
        "labels": result.labels(),
        "names": readable_labels(result) if not result.topic_labels else [""] * result.k,
        "tops": [" ".join(result.vocab[j] for j in row) for row in result.top_term_ids(5)],
        "prevalence": [_num(p) for p in prev],
        "xy": [[_num(x), _num(y)] for x, y in coords],
        "terms": [result.vocab[j] for j in cols],
        "pw": [_num(pw[j]) for j in cols],
        "freq": [_num(tf[j]) for j in cols],
        "phi": [[_num(result.topic_word[t, j]) for j in cols] for t in range(result.k)],
        "tokens": _num(total),
        "nTerms": n_terms,
        "examples": ex,
    }


_JS = r"""
(function(){
const D = JSON.parse(document.getElementById('topic-data').textContent);
const NS = document.getElementById('map').namespaceURI;  // the SVG namespace
let sel = -1, lam = 0.6;
function el(tag, attrs, parent){const e=document.createElementNS(NS,tag);
  for(const k in attrs) e.setAttribute(k, attrs[k]); if(parent) parent.appendChild(e); return e;}
function drawMap(){
  const svg=document.getElementById('map'); svg.innerHTML=''; const W=420,H=420,P=50;
  const xs=D.xy.map(p=>p[0]), ys=D.xy.map(p=>p[1]);
  const span=Math.max(Math.max(...xs)-Math.min(...xs), Math.max(...ys)-Math.min(...ys), 1e-9);
  const cx=(Math.max(...xs)+Math.min(...xs))/2, cy=(Math.max(...ys)+Math.min(...ys))/2;
  el('line',{x1:P/2,y1:H/2,x2:W-P/2,y2:H/2,class:'axis'},svg);
  el('line',{x1:W/2,y1:P/2,x2:W/2,y2:H-P/2,class:'axis'},svg);
  el('text',{x:W-P/2,y:H/2-4,'text-anchor':'end',class:'small'},svg).textContent='PC1';
  el('text',{x:W/2+4,y:P/2+10,class:'small'},svg).textContent='PC2';
  const order=D.prevalence.map((p,i)=>i).sort((a,b)=>D.prevalence[b]-D.prevalence[a]);
  for(const i of order){
    const x=W/2+(D.xy[i][0]-cx)/span*(W-2*P), y=H/2-(D.xy[i][1]-cy)/span*(H-2*P);
    const r=6+40*Math.sqrt(D.prevalence[i]);
    const c=el('circle',{cx:x,cy:y,r:r,class:'topic'+(i===sel?' selected':'')},svg);
    c.addEventListener('click',()=>{sel=(sel===i?-1:i);update();});
    const t=el('title',{},c);
    t.textContent=D.labels[i]+' '+D.names[i]+' ('+(100*D.prevalence[i]).toFixed(1)+'% of tokens): '+D.tops[i];
    const lab=el('text',{x:x,y:y+4,'text-anchor':'middle',class:'label'},svg);
    lab.textContent=D.labels[i]; lab.addEventListener('click',()=>{sel=(sel===i?-1:i);update();});
  }
}
function drawBars(){
  const svg=document.getElementById('bars'); svg.innerHTML='';
  const n=D.nTerms, rowH=16, L=110, W=520; let idx=D.terms.map((t,j)=>j), score;
  if(sel<0){ score=idx.map(j=>D.freq[j]); }
  else { score=idx.map(j=>{const p=Math.max(D.phi[sel][j],1e-300);
      return lam*Math.log(p)+(1-lam)*Math.log(p/D.pw[j]);}); }
  idx.sort((a,b)=>score[b]-score[a]||a-b); idx=idx.slice(0,n);
  const maxF=Math.max(...idx.map(j=>D.freq[j]));
  svg.setAttribute('height', 30+rowH*n);
  el('text',{x:L,y:14,class:'small'},svg).textContent = sel<0 ?
    'Most frequent terms (click a topic)' :
    'Topic '+D.labels[sel]+' '+D.names[sel]+' ('+(100*D.prevalence[sel]).toFixed(1)+'% of tokens): top terms by relevance (λ = '+lam.toFixed(2)+')';
  idx.forEach((j,r)=>{
    const y=24+r*rowH, fw=(W-L-10)*D.freq[j]/maxF;
    el('rect',{x:L,y:y,width:fw,height:rowH-3,class:'overall'},svg);
    if(sel>=0){ const est=D.phi[sel][j]*D.prevalence[sel]*D.tokens;
      el('rect',{x:L,y:y,width:(W-L-10)*Math.min(est,D.freq[j])/maxF,height:rowH-3,class:'intopic'},svg);}
    const t=el('text',{x:L-6,y:y+rowH-5,'text-anchor':'end',class:'term'},svg); t.textContent=D.terms[j];
  });
}
function drawExamples(){
  const box=document.getElementById('examples'); box.innerHTML='';
  if(sel<0 || !D.examples[String(sel)]) return;
  const h=document.createElement('h3'); h.textContent='Representative paragraphs'; box.appendChild(h);
  for(const [uid,w,txt] of D.examples[String(sel)]){ const p=document.createElement('p');
    const b=document.createElement('b'); b.textContent=uid+' ('+(100*w).toFixed(0)+'%) ';
    p.appendChild(b); p.appendChild(document.createTextNode(txt)); box.appendChild(p);}
}
function update(){drawMap();drawBars();drawExamples();
  document.getElementById('lamval').textContent=lam.toFixed(2);}
document.getElementById('lambda').addEventListener('input',e=>{lam=parseFloat(e.target.value);update();});
update();
})();
"""


def topic_html(
    result: TopicResult,
    *,
    examples: pd.DataFrame | None = None,
    n_terms: int = 30,
    title: str | None = None,
    font_css: str | None = None,
    embed_font: bool = True,
) -> str:
    """Render an offline interactive view of a topic model.

    Args:
        result: fitted :class:`TopicResult`.
        examples: optional :func:`~analysis.topics.interpret.representative_units` output,
            shown for the selected topic.
        n_terms: bars in the term chart.
        title: page title (default: the model name).
        font_css: CSS font-family value (default: :func:`analysis.fonts.cjk_font_css`, the
            figures' CJK font).
        embed_font: embed a subset of the figures' CJK font holding the page's characters
            (WOFF2 data URL, first in the font stack); ``False`` only names the families.

    Returns:
        A complete HTML document (UTF-8 text) without any external resource.
    """
    data = json.dumps(_payload(result, n_terms=n_terms, examples=examples), ensure_ascii=False)
    # no "<", ">" or "&" in the data block: nothing in it can end or re-open a <script>
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    title = _html.escape(title or f"Topics: {result.name}")
    font = font_css or _font_css()
    if embed_font:
        from ..fonts import EMBEDDED_FAMILY

        font = f'"{EMBEDDED_FAMILY}", {font}'
    css = f"""
body {{ font-family: {font}; margin: 16px; color: #222; }}
#wrap {{ display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }}
svg text {{ font-family: {font}; }}
.axis {{ stroke: #bbb; stroke-dasharray: 3 3; }}
.topic {{ fill: #4477aa; fill-opacity: .45; stroke: #335f88; cursor: pointer; }}
.topic.selected {{ fill: #ee6677; fill-opacity: .7; }}
.label {{ font-size: 12px; cursor: pointer; }}
.small {{ font-size: 12px; fill: #555; }}
.term {{ font-size: 12px; }}
.overall {{ fill: #c8c8c8; }} .intopic {{ fill: #ee6677; }}
#examples p {{ max-width: 960px; font-size: 14px; line-height: 1.5; }}
"""
    page = f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>/*FONT-FACE*/{css}</style>
</head>
<body>
<h2>{title}</h2>
<p>Click a circle to select a topic (again to clear). Relevance λ:
<input id="lambda" type="range" min="0" max="1" step="0.01" value="0.6">
<span id="lamval">0.60</span> (1 = probability within topic, 0 = distinctiveness).
Circles: topics placed by their term distributions (closer = more similar), area = share of
tokens. Bars: grey = the term's corpus frequency, red = its estimated frequency in the topic.</p>
<div id="wrap">
<svg id="map" width="420" height="420" role="img" aria-label="intertopic distance map"></svg>
<svg id="bars" width="520" height="520" role="img" aria-label="top terms"></svg>
</div>
<div id="examples"></div>
<script id="topic-data" type="application/json">{data}</script>
<script>{_JS}</script>
</body>
</html>
"""
    face = ""
    if embed_font:
        from ..fonts import embedded_font_face

        face = "\n" + embedded_font_face(page) + "\n"
    return page.replace("/*FONT-FACE*/", face, 1)
