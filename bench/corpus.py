"""A deterministic synthetic corpus of work reports, of any size.

    python bench/corpus.py --chars 20000000 --out bench/out/corpus --seed 7

Reports have realistic titles (issuer, year, period, kind), a preamble, level-1 sections for
progress, problems and plans, `（一）` headings, inline `一是…二是…` points, masked figures
(`**亿元`, `增长x.x%`), real figures, slogans in quotes, indicators, lines broken mid-sentence,
site watermark lines and pay-wall markers. Reports copy from one another as the genre does: a
third take one to three passages from an earlier report, one in twenty is an earlier report
with its figures changed (text reuse has something to find). A fifth of the files are
compilations of several reports; the encodings are mixed (UTF-8, GB18030, UTF-16 with BOM) and a few files are .docx
with Word numbering. The same seed and size always give the same files.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGS = ["自然资源局", "农业农村局", "发展改革委", "应急管理局", "生态环境局", "住房和城乡建设局",
        "文化和旅游局", "市场监督管理局", "教育局", "卫生健康委", "商务局", "工业和信息化局",
        "林业局", "水利局", "交通运输局", "人力资源和社会保障局", "民政局", "财政局"]  # fmt: skip
PLACES = ["青山", "桃源", "河西", "东湖", "南屏", "北川", "云岭", "江口", "白沙", "龙泉"]
LEVELS = [("县", "全县"), ("市", "全市"), ("区", "全区"), ("镇", "全镇"), ("乡", "全乡")]
PERIODS = [("上半年", "下半年"), ("", "明年"), ("第三季度", "第四季度"), ("年度", "明年")]
KINDS = ["工作总结", "工作总结和下半年工作计划", "工作汇报", "工作总结及下步工作打算"]
TOPIC_PHRASES = [
    "招商引资", "项目建设", "营商环境", "乡村振兴", "高标准农田", "耕地保护", "安全生产", "疫情防控",
    "生态环境保护", "污染防治", "城市更新", "老旧小区改造", "民生实事", "就业创业", "基层治理",
    "信访维稳", "党风廉政建设", "作风建设", "数字经济", "规上工业", "产业链供应链", "文化旅游",
    "不动产登记", "防返贫监测", "村集体经济", "人居环境整治", "新能源产业", "现代农业园区",
]  # fmt: skip
VERBS = ["深入推进", "扎实开展", "持续加强", "全面落实", "加快推进", "着力提升", "不断完善", "统筹推进",
         "积极探索", "大力实施", "切实抓好", "稳步推进"]  # fmt: skip
OBJECTS = ["工作机制", "专项行动", "重点任务", "制度建设", "能力建设", "服务体系", "示范创建", "监督检查",
           "宣传培训", "考核评估", "资金保障", "队伍建设"]  # fmt: skip
RESULTS = [
    "取得明显成效",
    "形成良好态势",
    "得到有效提升",
    "实现稳步增长",
    "呈现新的面貌",
    "达到预期目标",
]
PROBLEMS = ["基础设施仍有短板", "专业人才相对缺乏", "资金保障压力较大", "产业链条不长", "项目储备不足",
            "基层力量薄弱", "工作推进不够平衡"]  # fmt: skip
SLOGANS = ["两个确立", "两个维护", "四个意识", "四个自信", "放管服", "一件事一次办", "千万工程",
           "三区三线", "急难愁盼"]  # fmt: skip
INDICATORS = [
    "地区生产总值",
    "固定资产投资",
    "规上工业增加值",
    "社会消费品零售总额",
    "一般公共预算收入",
]
WATERMARKS = [
    "【哒哒素材库】——每天更新材料1000多篇内部高质量素材，会员群+网盘群同步每日更新",
    "欢迎加入“笔杆素材库会员”，9000万字材料，添加客服获取更多范文",
]
CN = "一二三四五六七八九十"


COPY_PASSAGES, COPY_WHOLE = 1 / 3, 1 / 20  # reports that copy passages, or a whole report
_FIGURE = re.compile(r"\d+\.\d")


class Writer:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.earlier: list[list[tuple[str, str]]] = []  # reports to copy from (the last 500)

    def copied(self, text: str) -> str:
        """A passage as a copier leaves it: its figures changed."""
        return _FIGURE.sub(lambda m: f"{self.r.randint(1, 999)}.{self.r.randint(0, 9)}", text)

    def figure(self) -> str:
        r = self.r
        if r.random() < 0.5:
            return r.choice(["**", "*", "xx", "x.xx", "xx.x"])
        return f"{r.randint(1, 999)}.{r.randint(0, 9)}"

    def sentence(self, topic: str) -> str:
        r = self.r
        parts = [f"{r.choice(VERBS)}{topic}{r.choice(OBJECTS)}"]
        for _ in range(r.randint(1, 3)):
            parts.append(f"{r.choice(VERBS)}{r.choice(TOPIC_PHRASES)}{r.choice(OBJECTS)}")
        if r.random() < 0.4:
            parts.append(f"完成投资{self.figure()}亿元，同比增长{self.figure()}%")
        if r.random() < 0.2:
            parts.append(f"{r.choice(INDICATORS)}完成{self.figure()}亿元，同比增长{self.figure()}%")
        if r.random() < 0.15:
            parts.append(f"坚决做到“{r.choice(SLOGANS)}”")
        return "，".join(parts) + f"，{r.choice(RESULTS)}。"

    def paragraph(self, topic: str, n: int) -> str:
        return "".join(self.sentence(topic) for _ in range(n))

    def points(self, topic: str) -> str:
        r = self.r
        return "".join(
            f"{CN[i]}是{r.choice(VERBS)}{topic}{r.choice(OBJECTS)}。{self.paragraph(topic, r.randint(1, 2))}"
            for i in range(r.randint(2, 4))
        )

    def report(self, target_chars: int) -> tuple[str, list[tuple[str, str]]]:
        """(title, blocks) where blocks are (kind, text) with kind h1/h2/p."""
        r = self.r
        place = r.choice(PLACES)
        level, whole = r.choice(LEVELS)
        year = r.randint(2019, 2026)
        period, nxt = r.choice(PERIODS)
        org = r.choice(ORGS) if r.random() < 0.7 else ""
        kind = r.choice(KINDS)
        title = f"{place}{level}{org}{year}年{period}{kind}"
        blocks = [
            (
                "p",
                f"今年以来，{whole}在上级的坚强领导下，{self.paragraph(r.choice(TOPIC_PHRASES), 2)}现将有关情况汇报如下。",
            )
        ]
        size = len(blocks[0][1])
        sections = [
            ("上半年工作开展情况", "progress"),
            ("存在的问题", "problems"),
            (f"{nxt}工作打算", "plans"),
        ]
        for k, (heading, role) in enumerate(sections):
            blocks.append(("h1", heading))
            if role == "problems":
                blocks.append(("p", f"虽然取得了一定成绩，但仍存在一些不足。{self._problems()}"))
                continue
            for _ in range(r.randint(2, 6)):
                topic = r.choice(TOPIC_PHRASES)
                head = f"{r.choice(VERBS)}{topic}"
                body = (
                    self.points(topic)
                    if r.random() < 0.35
                    else self.paragraph(topic, r.randint(2, 6))
                )
                blocks.append(("h2", f"{head}。{body}"))
                size += len(head) + len(body)
                if size > target_chars * (k + 1) / len(sections):
                    break
        if self.earlier and r.random() < COPY_WHOLE:
            blocks = [(kind, self.copied(text)) for kind, text in r.choice(self.earlier)]
        elif self.earlier and r.random() < COPY_PASSAGES:
            own = [i for i, (kind, _) in enumerate(blocks) if kind == "h2"]
            for i in r.sample(own, min(len(own), r.randint(1, 3))):
                source = [t for kind, t in r.choice(self.earlier) if kind == "h2"]
                if source:
                    blocks[i] = ("h2", self.copied(r.choice(source)))
        self.earlier = [*self.earlier[-499:], blocks]
        return title, blocks

    def _problems(self) -> str:
        r = self.r
        picks = r.sample(PROBLEMS, r.randint(2, 4))
        return "".join(f"{CN[i]}是{p}；" for i, p in enumerate(picks))[:-1] + "。"


def render_text(title: str | None, blocks: list[tuple[str, str]], r: random.Random) -> str:
    lines = [title] if title else []
    counters = [0, 0]
    for kind, text in blocks:
        if kind == "h1":
            counters = [counters[0] + 1, 0]
            lines.append(f"{CN[counters[0] - 1]}、{text}")
        elif kind == "h2":
            counters[1] += 1
            lines.append(f"（{CN[(counters[1] - 1) % 10]}）{text}")
        else:
            lines.append(text)
    out = []
    for line in lines:
        if len(line) > 60 and r.random() < 0.08:  # a line broken mid-sentence
            cut = r.randint(20, len(line) - 20)
            if line[cut - 1] not in "。；：！？" and line[cut] not in "。；：！？":
                out += [line[:cut], line[cut:]]
                continue
        out.append(line)
    return "\n".join(out)


def generate(total_chars: int, out: Path, seed: int = 7) -> dict:
    """Write the corpus under `out`; returns counts. Existing files are rewritten."""
    from bench.docx_writer import write_docx

    out.mkdir(parents=True, exist_ok=True)
    writer = Writer(seed)
    r = writer.r
    written = chars = files = docs = 0
    while written < total_chars:
        files += 1
        compilation = r.random() < 0.2
        n_reports = r.randint(3, 9) if compilation else 1
        reports = [writer.report(r.randint(3000, 12000)) for _ in range(n_reports)]
        docs += n_reports
        name = f"report-{files:06d}"
        if not compilation and r.random() < 0.04:
            title, blocks = reports[0]
            (out / f"{name}.docx").write_bytes(write_docx(title, blocks))
            size = sum(len(t) for _, t in blocks) + len(title)
        else:
            parts = []
            if compilation:
                parts.append(f"{r.randint(2019, 2026)}年工作总结汇编（{n_reports}篇）\n\n")
            for title, blocks in reports:
                parts.append(render_text(title, blocks, r) + "\n\n")
            if r.random() < 0.3:
                parts.insert(1 if compilation else 0, "##paidbegin##\n")
                parts.append("\n".join(r.sample(WATERMARKS, 2)) + "\n##paidend##\n")
            text = "".join(parts)
            size = len(text)
            roll = r.random()
            if roll < 0.2:
                (out / f"{name}.txt").write_bytes(text.encode("gb18030"))
            elif roll < 0.25:
                (out / f"{name}.txt").write_bytes(text.encode("utf-16"))
            else:
                (out / f"{name}.txt").write_text(text, encoding="utf-8")
        written += size
        chars += size
    return {"files": files, "documents": docs, "chars": chars}


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--chars", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(generate(args.chars, args.out, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
