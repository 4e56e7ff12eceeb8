#!/usr/bin/env python3
"""Generated month for 江陵市 (fictional), as of 2024-12-31, for the wagewatch register.

Deterministic (seeded). Writes, next to this file:
  registry.csv                copy of the city registry (52 projects)
  reports-2024-11.csv         department ledgers (欠薪问题台账), English headers (formats.md s.2)
  reports-2024-12.csv
  petitions.ndjson            petition records (formats.md s.3)
  posts.xml                   RSS 2.0 feed of posts (formats.md s.4)
  expected.json               designed register answer: flags per project, unregistered sites, notes
  labels.ndjson               (extra) the design label of every item, for debugging a mismatch

Every text below was written by hand for this fixture; the generator only picks
dates, times, ids, names and phone numbers, and assembles the files. Nothing here
was tuned to the scoring rules (wage.yaml, lexicons.yaml, ... were not read).

Run:  python3 generate.py            (writes and validates, prints the summary)
"""
import csv
import datetime as dt
import email.utils
import json
import os
import random
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20241231
rng = random.Random(SEED)
TZ = dt.timezone(dt.timedelta(hours=8))
AS_OF = dt.date(2024, 12, 31)
WINDOW_DAYS = 30
WIN_START = AS_OF - dt.timedelta(days=WINDOW_DAYS - 1)          # 2024-12-02

# --------------------------------------------------------------------------- registry
def load_registry():
    src = os.path.join(HERE, "registry.csv")
    if not os.path.exists(src):
        shutil.copy("/tmp/brief/registry.csv", src)
    with open(src, encoding="utf-8-sig") as f:
        return {r["project_id"]: r for r in csv.DictReader(f)}

REG = load_registry()

def sensitive(pid):
    r = REG[pid]
    return r["funding"] in ("government", "state") or bool(r["tags"].strip())

# --------------------------------------------------------------------------- calendar (register.yaml)
HOLIDAYS = {dt.date.fromisoformat(s) for s in """
2024-01-01 2024-02-10 2024-02-11 2024-02-12 2024-02-13 2024-02-14 2024-02-15 2024-02-16 2024-02-17
2024-04-04 2024-04-05 2024-04-06 2024-05-01 2024-05-02 2024-05-03 2024-05-04 2024-05-05
2024-06-10 2024-09-15 2024-09-16 2024-09-17 2024-10-01 2024-10-02 2024-10-03 2024-10-04
2024-10-05 2024-10-06 2024-10-07 2025-01-01""".split()}
WORKDAYS = {dt.date.fromisoformat(s) for s in
            "2024-02-04 2024-02-18 2024-04-07 2024-04-28 2024-05-11 2024-09-14 2024-09-29 2024-10-12".split()}

def is_workday(d):
    if d in WORKDAYS:
        return True
    return d.weekday() < 5 and d not in HOLIDAYS

def add_workdays(d, n):
    while n > 0:
        d += dt.timedelta(days=1)
        if is_workday(d):
            n -= 1
    return d

def petition_deadlines(channel, received):
    """Both readings: (working-day deadline, calendar-day deadline)."""
    n = 15 if channel in ("hotline", "platform") else 60
    return add_workdays(received, n), received + dt.timedelta(days=n)

# --------------------------------------------------------------------------- people (fictional)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["德明", "国强", "建军", "春生", "海涛", "永福", "志刚", "小兵", "立新", "红梅", "桂英", "秀兰", "文杰", "长青", "大勇",
         "学军", "宏伟", "金山", "玉华", "少华", "春来", "冬生", "明亮", "树林", "家旺", "来福", "庆丰", "红兵", "丽娟", "晓峰",
         "建华", "振国", "卫东", "新民", "治国", "光明", "有才", "德胜", "根生", "水生", "双喜", "满仓", "二虎", "三毛", "志勇"]

def person():
    return rng.choice(SURNAMES) + rng.choice(GIVEN)

def phone():
    return rng.choice(["138", "139", "137", "135", "136", "150", "151", "158", "159", "187", "188", "133", "153", "177", "180", "189"]) + \
        "".join(rng.choice("0123456789") for _ in range(8))

# --------------------------------------------------------------------------- items
ITEMS = []

def _when(spec, office=False):
    """'12-05' or '12-05 19:40' (2024, Asia/Shanghai). Random time when absent: 08:05-22:55,
    or office hours (08:30-16:55) for visits and letters."""
    parts = spec.split()
    m, d = (int(x) for x in parts[0].split("-"))
    if len(parts) > 1:
        hh, mm = (int(x) for x in parts[1].split(":"))
    elif office:
        hh = rng.randint(8, 16)
        mm = rng.choice(range(30, 56)) if hh == 8 else rng.choice(range(0, 56))
    else:
        hh, mm = rng.randint(8, 22), rng.choice(range(5, 56))
    return dt.datetime(2024, m, d, hh, mm, rng.randint(0, 59) if len(parts) == 1 else 0, tzinfo=TZ)

def _label(proj, sig, claim, esc, res, site, amb, cls):
    if not sig:
        claim = None
    if proj is not None:
        assert proj in REG, proj
    return dict(project=proj, signal=sig, claim=claim, escalation=esc, resolved=res,
                site=site, ambiguous=amb, classes=list(cls))

def P(when, channel, content, *, title="", resp=None, loc=None, ppl=None, amt=None, st=None, closed=None,
      unit=None, proj=None, sig=True, claim="wage", esc=False, res=False, site=None, amb=False,
      cls=("plain",), anon=False):
    """A petition record."""
    at = _when(when, office=channel in ("visit", "letter"))
    if ppl is not None and ppl >= 5:
        esc = True                      # 集体访 by the people field
    it = dict(kind="petition", at=at, channel=channel, title=title, content=content, respondent=resp,
              location=loc, people=ppl, amount=amt, status=st, closed=closed, unit=unit, anon=anon,
              label=_label(proj, sig, claim, esc, res, site, amb, cls))
    ITEMS.append(it)
    return it

def T(when, platform, content, *, title="", author=None, proj=None, sig=True, claim="wage", esc=False, res=False,
      site=None, amb=False, cls=("plain",)):
    """A post."""
    it = dict(kind="post", at=_when(when), platform=platform, title=title, content=content, author=author,
              repost_of=None, label=_label(proj, sig, claim, esc, res, site, amb, cls))
    ITEMS.append(it)
    return it

def RP(when, orig, comment, author=None, platform=None):
    """A repost (微博 //@) or a near copy on another platform: the same story."""
    plat = platform or orig["platform"]
    oa = orig["author"] or "网友"
    if plat == "微博":
        content = f"{comment}//@{oa}:{orig['content']}"
    else:
        content = f"{comment} 转自{orig['platform']}@{oa}：{orig['content']}"
    lab = dict(orig["label"])
    lab["classes"] = sorted(set(orig["label"]["classes"]) | {"repost"})
    it = dict(kind="post", at=_when(when), platform=plat, title="", content=content, author=author,
              repost_of=orig, label=lab)
    ITEMS.append(it)
    return it

# =========================================================================== the texts
# Window: 2024-12-02 .. 2024-12-31. Project signals are never dated 12-01 and never
# before 08:00, so the window edge cannot be argued about (UTC or local).

def underreported_items():
    # ---- Q-002 南港片区安置房二期 (滨港佳苑), 市住建局 reports 无欠薪 + 无欠薪承诺书 --------------
    q = "Q-002"
    P("12-04", "visit", "来访人称其在南港片区安置房二期（滨港佳苑）工地做钢筋，班组共十一人，九月进场后每月只领一千五百元生活费，"
      "工资一直没有结算，合计约二十八万元。劳务公司鑫盛劳务说总包江陵建工的人工费还没拨下来。来访人要求住建局督促总包尽快发放。",
      title="反映滨港佳苑工地钢筋班组工资未结算", resp="江陵鑫盛劳务有限公司", loc="南港街道", ppl=2, amt=286000, proj=q,
      cls=("boss_blames_project_payment", "headcount_only"))
    P("12-09", "hotline", "来电人反映：其在南港安置房二期3号楼做木工，十月、十一月两个月工资共一万八千余元未发，班组长称项目部账上没钱，"
      "让再等等。来电人表示年底要回老家，希望尽快处理。", title="南港安置房二期木工工资拖欠", loc="南港街道", ppl=1, amt=18400,
      proj=q, cls=("festival_only",))
    P("12-12", "online", "我父亲在南港街道滨港佳苑工地干水电安装，从七月干到现在一分工钱没拿到。老人家六十多岁了，天天给包工头打电话，"
      "对方每次都说等甲方拨款。请政府帮帮忙，问问这个钱到底什么时候能给。", title="滨港佳苑项目拖欠我父亲工钱",
      resp="滨港佳苑项目部", loc="南港街道滨港佳苑", ppl=1, proj=q, cls=("claimant_role", "informal_project_name"))
    P("12-18", "platform", "线索：江陵建工承建的南港安置二期项目，外架班组约二十人工资已拖欠近三个月，金额约四十五万元，班组长姓陈，"
      "工人多次找项目部未果。", title="南港安置二期外架班组欠薪线索", resp="江陵建工集团有限公司", loc="南港街道", ppl=1,
      amt=450000, proj=q, cls=("headcount_only", "informal_project_name"), anon=True)
    P("12-20", "letter", "信访人来信称，其所在油漆班在江陵市南港片区安置房二期工程施工，劳务分包单位以“工程款未结”为由拖欠班组工资共六万三千元，"
      "并要求工人先签一份“无拖欠工资确认书”才肯发一半。信访人不愿签字，请求有关部门调查。",
      title="关于南港片区安置房二期工程拖欠油漆工工资的信", resp="江陵鑫盛劳务有限公司", loc="南港街道", ppl=1, amt=63000,
      proj=q, cls=("boss_blames_project_payment",))
    P("12-23", "online", "滨港佳苑工地，我们瓦工四个人十一月的工资到现在没发，每人七八千块，找了劳务公司的人，说要等年底总包结算。"
      "马上要过年了，家里等着用钱。", title="滨港佳苑瓦工工资", resp="鑫盛劳务", loc="南港街道", ppl=4, amt=30000, proj=q,
      cls=("festival_only", "informal_project_name"))
    P("12-24", "hotline", "来电人再次反映南港安置房二期木工工资问题，称本月九日已打过电话，至今没有人联系他，工资仍未发放。",
      title="再次反映南港安置房二期欠薪", loc="南港街道", ppl=1, amt=18400, proj=q, cls=("repeat_contact",))
    a = T("12-05 20:14", "微博", "#江陵身边事# 在滨港佳苑工地干了三个多月，工资一分没见着，天天说下周下周😤 过年车票都不敢买 @江陵发布",
          author="南港阿杰", proj=q, cls=("informal_project_name", "festival_only"))
    RP("12-05 21:02", a, "这是南港那边的安置房吧？", author="老城根下")
    RP("12-06 08:40", a, "帮转，希望有人管管", author="江陵小何同学")
    T("12-08", "贴吧", "有没有在南港安置房二期干活的老哥，你们工钱结了没？我们班组还挂着两个月的账，包工头电话也不接了，问劳务公司就说等总包",
      title="南港安置房二期还在欠钱吗", author="钢筋老杨", proj=q, cls=("informal_project_name",))
    T("12-11", "抖音", "南港二期安置房 收工了 工钱还是没着落 😮‍💨 #农民工 #讨薪 #江陵", author="阿坤在工地", proj=q,
      cls=("informal_project_name",))
    T("12-14", "论坛", "楼主在滨港佳苑（就是南港安置房二期）干外墙保温，九月进场，当时说好月结，结果十月说压一个月，十一月又说甲方没拨款。"
      "现在算下来欠我一万四千多。问了几个工友都一样。有懂行的说说该找谁吗？街道还是住建局？",
      title="滨港佳苑外墙保温的钱拖了三个月，该找哪个部门", author="保温工小刘", proj=q, cls=("boss_blames_project_payment",))
    T("12-16", "快手", "南港安置二期 木工 欠俩月了 家里娃学费还等着交 老铁们说咋办", author="木工老吴", proj=q,
      cls=("informal_project_name",))
    T("12-19", "头条", "记者接到读者报料，称南港街道一安置房项目二期工地部分工人工资被拖欠。记者在现场看到，滨港佳苑项目部门口贴着"
      "“工资按月足额发放”的告示，但几名钢筋工表示，自己已有两个多月没拿到工资。项目劳务负责人称，总包方资金尚未到位，正在协调。",
      title="安置房工地工人称两个多月未领到工资 项目方：正在协调", author="江陵晚报", proj=q,
      cls=("news_dateline", "informal_project_name"))
    T("12-22", "小红书", "老公在滨港佳苑工地干了小半年，工钱拖到现在，每次问都说快了快了。今年过年回不回娘家都成问题了😭 #打工人 #江陵",
      author="南港小满", proj=q, cls=("claimant_role", "festival_only"))
    T("12-26", "微博", "南港安置房二期的钱到底什么时候给？听说报上去的是“无欠薪”？那我们几个月是白干的吗", author="南港阿杰", proj=q,
      cls=("informal_project_name",))

    # ---- Q-019 北塘镇易地扶贫搬迁安置点 (北塘幸福家园), 市发改委 reports 无欠薪 + 承诺书 ------------------
    q = "Q-019"
    P("12-03", "visit", "来访人反映在北塘镇幸福家园（易地扶贫搬迁安置点）工地做小工，包工头刘某拖欠其及同村另外三人十月至今的工钱约四万二千元，"
      "刘某说要等恒达建筑结账才能给。来访人本人是搬迁户。", title="反映北塘幸福家园工地拖欠小工工钱",
      resp="包工头刘某（江陵恒达建筑有限公司）", loc="北塘镇", ppl=2, amt=42000, proj=q,
      cls=("boss_blames_project_payment", "informal_project_name"))
    P("12-10", "hotline", "来电人称在北塘搬迁安置点工地干了两个多月泥水活，工钱九千六百元没拿到，想挣点钱过年，请帮忙协调。",
      title="北塘搬迁安置点泥水工工钱拖欠", loc="北塘镇", ppl=1, amt=9600, proj=q, cls=("festival_only", "informal_project_name"))
    P("12-15", "online", "北塘镇易地扶贫搬迁安置点的配套道路和挡土墙，我们一个班组八个人从九月干到十一月，说好的工资只给了生活费，"
      "剩下的每人一万多没有着落。去问项目上，说恒达公司还没给包工头结账。", title="北塘易地扶贫搬迁安置点施工人员工资问题",
      resp="江陵恒达建筑有限公司", loc="北塘镇", ppl=1, amt=96000, proj=q, cls=("headcount_only", "boss_blames_project_payment"))
    P("12-21", "platform", "北塘幸福家园安置点二标段，电焊工三人十二月工资未发，另有十一月尾款每人三千元未结，联系项目部无人处理。",
      title="北塘幸福家园电焊工欠薪", loc="北塘镇", ppl=3, amt=27000, proj=q, cls=("informal_project_name",), anon=True)
    T("12-06", "贴吧", "北堂镇搬迁点那个工地还欠着我们村几个人的工钱，都是搬迁过去的贫困户，本来就指望这点钱过年的",
      title="搬迁点工地欠工钱", author="北塘二狗", proj=q, cls=("homophone_township", "informal_project_name", "festival_only"))
    T("12-09", "微博", "北塘幸福家园盖房子的师傅说工钱拖了三个月，说起来心酸，好几个师傅自己就是要搬进去的搬迁户。#江陵# #北塘#",
      author="北塘镇小陈", proj=q, cls=("informal_project_name", "narrative_paraphrase"))
    T("12-13", "抖音", "幸福家园工地 干到快腊月了还没结钱 👷 #北塘镇 #讨薪", author="泥瓦匠阿福", proj=q,
      cls=("informal_project_name", "festival_only"))
    T("12-17", "论坛", "北塘镇易地扶贫搬迁安置点工程的几个小工找到我们村委会，说干活的钱一直没拿到，包工头说等公司结账。"
      "村里已经帮忙联系了镇上，希望早点解决。", title="帮村里几个乡亲问问工钱的事", author="村里的会计", proj=q,
      cls=("claimant_role", "narrative_paraphrase"))
    T("12-24", "快手", "北塘搬迁安置点 上了三个月工 工资条都没见过 😂", author="北塘老表", proj=q, cls=("informal_project_name",))

    # ---- Q-031 江陵市城关镇实验小学迁建工程, 市教育局 reports 无欠薪 + 承诺书 ----------------------------
    q = "Q-031"
    P("12-05", "visit", "来访人称在城关实验小学迁建工地（新校区）做模板工，德润劳务的班组长拖欠其十月、十一月工资一万六千元，"
      "班组长说华建公司没有按进度拨付人工费。", title="反映实验小学新校区工地模板工工资", resp="江陵德润劳务有限公司",
      loc="城关街道", ppl=1, amt=16000, proj=q, cls=("boss_blames_project_payment", "informal_project_name"))
    P("12-11", "hotline", "来电人反映：实验小学新校区工地有工人工资拖欠，来电人为钢筋工，被欠工资约两万三千元，已找过项目部三次。"
      "来电人联系电话13972216650。", title="实验小学新校区钢筋工欠薪", loc="城关街道", ppl=1, amt=23000, proj=q,
      cls=("informal_project_name",))
    P("12-16", "letter", "信访人来信反映，江陵市城关镇实验小学迁建工程施工期间，劳务班组共十四人十月以来的工资未按月发放，累计约三十一万元。"
      "信访人多次向施工单位江陵华建建设有限公司反映未果，请求教育局督促解决。", title="关于实验小学迁建工程拖欠劳务工资的反映",
      resp="江陵华建建设有限公司", loc="城关街道", ppl=1, amt=310000, proj=q, cls=("headcount_only",))
    P("12-19", "visit", "来访人系实验小学迁建项目水电班组长，代表本班组四名工人反映九月以来的工资未结，项目部称要等教育局拨付进度款后统一结算。",
      title="实验小学迁建项目水电班组工资", resp="江陵华建建设有限公司", loc="城关街道", ppl=1, amt=52000, proj=q,
      cls=("claimant_role", "boss_blames_project_payment", "informal_project_name"))
    P("12-22", "online", "实小新校区工地抹灰班的工资从十月拖到现在，一共欠我们三个人四万多。项目部说是上面的钱还没下来，"
      "可是工资不是应该专户发放吗？", title="实小新校区抹灰班欠薪", loc="城关街道", ppl=3, amt=41000, proj=q,
      cls=("informal_project_name", "boss_blames_project_payment"))
    T("12-07", "微博", "孩子将来要上的实验小学新校区，盖楼的师傅们却拿不到工资，听小区门口的钢筋工大哥说欠了好几个月了。",
      author="城关宝妈日记", proj=q, cls=("informal_project_name", "narrative_paraphrase"))
    T("12-10", "贴吧", "实验小学新校区工地欠薪有人管吗？我表哥在里面扎钢筋，十月份到现在没发过一次", title="实验小学新校区工地欠薪有人管吗",
      author="城关吃瓜群众", proj=q, cls=("claimant_role", "informal_project_name"))
    T("12-12", "抖音", "新学校盖得挺快 工资发得挺慢 #实验小学新校区 #江陵城关", author="城关小李", proj=q,
      cls=("informal_project_name",))
    T("12-15", "论坛", "说个事，城关实验小学迁建那个工地，德润劳务的班组长上周跟我们说钱要等华建公司拨，华建又说要等教育局。"
      "绕了一圈，我们的工钱到底谁给？", title="实验小学迁建工地的工钱到底谁给", author="模板工老郑", proj=q,
      cls=("boss_blames_project_payment", "informal_project_name"))
    T("12-19", "微博", "#江陵城关# 实小迁建工地的木工说从十月起工资就没结过，问项目部说快了。希望年前能有个说法。", author="城关街坊",
      proj=q, cls=("informal_project_name", "festival_only"))
    T("12-23", "快手", "实验小学工地 欠薪 三个月 🙏 求扩散", author="江陵搬砖人", proj=q, cls=("informal_project_name",))
    T("12-27", "小红书", "路过城关实验小学新址工地，几个师傅蹲在门口抽烟，一聊才知道工资好几个月没发了。希望学校建好的时候，他们的钱也拿到了。",
      author="慢慢走的喵", proj=q, cls=("informal_project_name", "narrative_paraphrase"))

    # ---- Q-014 西岭煤矿井下改造工程, 市能源局 reports 无欠薪 (no commitment) ------------------------------
    q = "Q-014"
    P("12-06", "visit", "来访人系西岭煤矿井下改造工程的巷道支护工，称顺达劳务自十月起未发放工资，其本人被欠两万四千元，同班组还有七人情况相同。"
      "矿建公司称已将人工费付给劳务公司。", title="西岭煤矿井下改造工程支护工欠薪", resp="江陵顺达劳务有限公司", loc="西岭镇",
      ppl=1, amt=24000, proj=q, cls=("headcount_only",))
    P("12-13", "hotline", "来电人反映在西岭矿上干井下改造，十一月工资没发，约九千元，劳务公司经理电话关机。", title="西岭矿井改造工人欠薪",
      loc="西岭镇", ppl=1, amt=9000, proj=q, cls=("informal_project_name",))
    P("12-19", "platform", "线索：西岭矿井改造项目劳务人员工资拖欠，涉及运输、支护两个班组约十五人，拖欠约三十六万元。", title="西岭矿井改造欠薪线索",
      resp="江陵矿建工程有限公司", loc="西岭镇", ppl=1, amt=360000, proj=q, cls=("headcount_only", "informal_project_name"), anon=True)
    P("12-23", "letter", "信访人之妻代为来信，称其丈夫在西岭煤矿做井下改造，九月至今仅领过两次生活费，工资约三万元未结，家中老人看病急需用钱。",
      title="代丈夫反映西岭煤矿工钱", resp="江陵顺达劳务有限公司", loc="西岭镇", ppl=1, amt=30000, proj=q,
      cls=("claimant_role", "informal_project_name"))
    T("12-08", "贴吧", "西岭煤矿搞井下改造的那帮外地师傅，听说工钱拖了两个月了，矿上说不归他们管，是矿建公司包出去的",
      title="西岭煤矿改造的工钱", author="西岭山里人", proj=q, cls=("narrative_paraphrase", "informal_project_name"))
    T("12-12", "微博", "井下干一天活多辛苦大家都知道，西岭矿井改造的工友们十月到现在工资没到手。@江陵发布 能不能过问一下",
      author="矿灯下的光", proj=q, cls=("informal_project_name",))
    T("12-17", "快手", "西嶺煤礦 下井三個月 錢一分冇拿到", author="阿军下井", proj=q, cls=("traditional_or_typo", "informal_project_name"))
    T("12-21", "论坛", "顺达劳务在西岭煤矿那边还欠着我们班的钱，谁有劳务公司老板的电话？", title="找顺达劳务的老板", author="支护工小马",
      proj=q, cls=("informal_project_name",))
    T("12-24", "抖音", "矿上的钱也拖 西岭煤矿改造工程 #欠薪 #煤矿", author="西岭小伙", proj=q, cls=("informal_project_name",))

    # ---- Q-036 黄沟乡通村公路硬化工程, 市交通运输局: Nov 无欠薪, NO December row (missing) ----------------
    q = "Q-036"
    P("12-05", "visit", "来访人称其在黄沟乡通村公路硬化工程做摊铺，十月、十一月工资约一万三千元未发，通衢公司的现场负责人说工程款还没到位。",
      title="黄沟通村路施工人员工资", resp="江陵通衢公路工程有限公司", loc="黄沟乡", ppl=2, amt=26000, proj=q,
      cls=("boss_blames_project_payment", "informal_project_name"))
    P("12-12", "hotline", "来电人反映在黄构乡修村道，工钱拖欠，涉及本人及同村两人，共约一万九千元。", title="黄构乡修村道工钱拖欠",
      loc="黄构乡", ppl=1, amt=19000, proj=q, cls=("homophone_township", "informal_project_name"))
    P("12-20", "online", "黄沟乡通村公路硬化项目拖欠当地村民务工工资，我们几个村民十月份在工地上帮工，到现在一分钱没拿。", title="通村公路拖欠村民工钱",
      loc="黄沟乡", ppl=3, amt=21000, proj=q, cls=("informal_project_name",))
    P("12-23", "hotline", "来电人称其父在黄沟修通村路干了四十多天，工钱六千元至今未结。", title="黄沟通村路工钱", loc="黄沟乡", ppl=1,
      amt=6000, proj=q, cls=("claimant_role", "informal_project_name"))
    T("12-07", "贴吧", "黄构修水泥路那个工程，村里几个人去干了两个月小工，钱到现在没给，包工头说公路公司没结账", title="黄构修路的钱",
      author="黄沟老幺", proj=q, cls=("homophone_township", "informal_project_name", "boss_blames_project_payment"))
    T("12-11", "微博", "黄沟乡那条通村路修好了，路是好走了，修路的乡亲工钱还没拿到。", author="乡村观察员", proj=q,
      cls=("informal_project_name", "narrative_paraphrase"))
    T("12-16", "抖音", "黄沟乡 修村道 工钱 还没给 😔", author="黄沟小妹", proj=q, cls=("informal_project_name",))
    T("12-23", "快手", "黃構鄉修路的錢什麼時候給啊", author="山沟沟", proj=q,
      cls=("traditional_or_typo", "homophone_township", "informal_project_name"))

    # ---- Q-034 石坪镇卫生院改扩建工程, 市卫健委 reports 无欠薪 -----------------------------------------
    q = "Q-034"
    P("12-04", "visit", "来访人反映在石坪镇卫生院改扩建工地做砌筑，和顺劳务的班组长拖欠其及另外两人工资共约三万一千元。",
      title="石坪卫生院工地砌筑工工资", resp="江陵和顺劳务有限公司", loc="石坪镇", ppl=3, amt=31000, proj=q,
      cls=("informal_project_name",))
    P("12-14", "online", "石平镇卫生院扩建工地的工钱一直拖着，我们是石平本地人，在那干了三个月，每人欠一万左右。", title="石平卫生院工地欠工钱",
      loc="石平镇", ppl=2, amt=20000, proj=q, cls=("homophone_township", "informal_project_name"))
    P("12-22", "hotline", "来电人称在石坪卫生院工地干装修，安居建设的项目部十一月起没发工资，本人被欠八千五百元。", title="石坪卫生院装修工欠薪",
      loc="石坪镇", ppl=1, amt=8500, proj=q, cls=("informal_project_name",))
    T("12-09", "贴吧", "石平卫生院那个工地欠钱不？我舅在那干了俩月了一分没拿", author="石平土著", proj=q,
      cls=("homophone_township", "claimant_role", "informal_project_name"))
    T("12-13", "微博", "#石坪镇# 卫生院改扩建的工人说工资拖了两三个月了。医院是盖给老百姓看病的，盖楼的也是老百姓啊。", author="石坪人在江陵",
      proj=q, cls=("informal_project_name",))
    T("12-18", "快手", "石坪镇医院新楼工地 欠工资 有没有人管", author="石坪阿华", proj=q, cls=("informal_project_name",))
    T("12-24", "论坛", "和顺劳务在石坪卫生院的活儿，工钱拖到现在。有同样情况的工友可以私信我，交流下怎么走程序。",
      title="石坪卫生院和顺劳务欠工钱", author="砌墙的老覃", proj=q, cls=("informal_project_name",))


def escalating_items():
    # ---- Q-007 滨湖大道改造工程, 市交通运输局 reports open wage arrears (amount paid moves) ---------------
    q = "Q-007"
    P("12-06", "visit", "来访人员十八人反映，在滨湖大道改造工程从事管网和路面施工，广源劳务拖欠八月至十一月工资共约六十万元。"
      "来访人员情绪激动，表示如果年前拿不到钱，就到市政府门口拉横幅。", title="滨湖大道改造工程十八名工人集体来访",
      resp="江陵广源劳务有限公司", loc="桥西街道", ppl=18, amt=600000, proj=q, cls=("collective_action", "extreme_act"))
    P("12-11 10:05", "hotline", "来电人称滨湖路改造工地有二三十名工人在项目部门口聚集讨薪，情绪较大，请求相关部门到场。",
      title="滨湖路改造工地工人聚集讨薪", loc="桥西街道滨湖路", ppl=1, proj=q, esc=True,
      cls=("collective_action", "informal_project_name"))
    P("12-17", "letter", "信访人代表滨湖大道改造工程路面班组来信，称班组工资已拖欠四个月，路桥公司和劳务公司互相推诿，班组长已自掏腰包垫付了两个月伙食费。",
      title="滨湖大道路面班组工资拖欠", resp="江陵路桥建设有限公司", loc="桥西街道", ppl=1, amt=210000, proj=q,
      cls=("claimant_role",))
    P("12-28 11:20", "online", "滨湖大道改造项目工人工资拖欠问题，工人今天上午在滨湖路与建设路交叉口堵路，希望政府尽快介入，别让事情闹大。",
      title="滨湖大道工人堵路讨薪", loc="桥西街道", ppl=1, proj=q, esc=True, cls=("collective_action",))
    a = T("12-11 10:20", "微博", "滨湖大道项目部门口站了几十号人，举着纸牌子要工资，交警都来了。#江陵# #滨湖大道#", author="桥西路人甲",
          proj=q, esc=True, cls=("collective_action",))
    RP("12-11 11:02", a, "早上路过看到了，人很多", author="滨湖边上住")
    RP("12-11 12:30", a, "修路的钱都敢拖？", author="江陵吐槽君")
    T("12-11", "抖音", "滨湖路改造 几十个工人围在项目部门口 要工钱 📹 #江陵 #讨薪", author="桥西随手拍", proj=q, esc=True,
      cls=("collective_action", "informal_project_name"))
    T("12-15", "贴吧", "滨湖大道那帮修路的又去交通局了，这回拉了横幅，写着“还我血汗钱”", title="滨湖大道工人又去交通局了",
      author="桥西老街坊", proj=q, esc=True, cls=("collective_action",))
    T("12-20", "头条", "12月20日上午，桥西街道滨湖大道改造工程项目部前，二十余名工人聚集讨要工资。桥西街道、市交通运输局工作人员到场协调，"
      "施工方承诺本月底前支付部分欠款。", title="滨湖大道改造工程二十余名工人讨薪 街道和交通部门到场协调", author="江陵新闻网",
      proj=q, esc=True, cls=("collective_action", "news_dateline"))
    T("12-28 12:10", "微博", "滨湖路又堵了，这次是修路的工人自己堵的，说工资四个月没拿到。早高峰直接瘫了", author="上班迟到的我",
      proj=q, esc=True, cls=("collective_action", "informal_project_name"))
    T("12-29", "论坛", "滨湖大道工人今天还在堵路吗？要不要绕行，听说工资的事还没谈拢", title="滨湖大道今天还堵吗", author="有车一族",
      proj=q, esc=True, cls=("collective_action",))

    # ---- Q-017 东湖天樾商业综合体 (private), 市住建局 reports 无欠薪 + 承诺书 -------------------------
    q = "Q-017"
    P("12-08", "visit", "来访人员六人反映，在东湖天樾商业综合体项目做幕墙安装，兴业劳务拖欠班组工资约二十二万元，兴业劳务称开发商未支付进度款。",
      title="东湖天樾幕墙班组六人来访", resp="江陵兴业劳务有限公司", loc="东湖镇", ppl=6, amt=220000, proj=q,
      cls=("collective_action", "boss_blames_project_payment"))
    P("12-16 15:10", "hotline", "来电人称东湖天樾广场工地有一名工人爬上塔吊，扬言拿不到工资就跳下来，现场围了不少人，请求尽快处置。",
      title="天樾广场工地工人爬塔吊讨薪", loc="东湖镇", ppl=1, proj=q, esc=True, st="closed", closed="12-16 19:30",
      cls=("extreme_act", "informal_project_name"))
    P("12-23", "platform", "天樾广场项目金石建设拖欠水电班组工资，约九万元，班组长多次讨要未果。", title="天樾广场水电班组欠薪",
      resp="江陵金石建设有限公司", loc="东湖镇", ppl=1, amt=90000, proj=q, cls=("informal_project_name",), anon=True)
    a = T("12-16 15:40", "微博", "东湖天樾那个塔吊上有人！说是讨薪的，已经在上面待了一个多小时了，消防车都来了 😱 #江陵东湖#",
          author="东湖吃瓜", proj=q, esc=True, cls=("extreme_act", "informal_project_name"))
    RP("12-16 16:05", a, "天啊注意安全", author="小鱼不吃鱼")
    RP("12-16 17:20", a, "年年都有这种事，什么时候是个头", author="江陵老王")
    T("12-16 18:00", "抖音", "天樾广场 塔吊上的师傅 平安下来吧🙏 #讨薪 #东湖", author="东湖打工妹", proj=q, esc=True,
      cls=("extreme_act", "informal_project_name"))
    T("12-17", "头条", "12月16日下午，东湖镇一商业综合体项目工地发生一起因欠薪引发的爬塔吊事件。经东湖镇和市住建局协调，"
      "开发商同意先行垫付部分工资，当事人已安全下塔。", title="东湖镇一工地工人爬塔吊讨薪 已安全下塔", author="江陵新闻网",
      proj=q, esc=True, cls=("extreme_act", "news_dateline", "informal_project_name"))
    T("12-19", "贴吧", "天樾的事后续呢？听说幕墙班的钱还是没给全，只发了一部分", title="东湖天樾后续", author="东湖镇民", proj=q,
      cls=("informal_project_name",))
    T("12-22", "论坛", "天樾广场那个项目，开发商资金链好像出问题了，我们装修队十几个工人的工资也拖了两个月", title="天樾广场的装修款和工资",
      author="装修队老胡", proj=q, cls=("headcount_only", "informal_project_name"))
    T("12-26", "快手", "天樾 欠薪 还没完 …… 塔吊那事过去十天了", author="东湖小钢炮", proj=q,
      cls=("informal_project_name", "compound_word"))

    # ---- Q-015 江陵市人民医院住院大楼工程, 市卫健委: Nov 无欠薪, Dec open wage arrears ---------------------
    q = "Q-015"
    P("12-05", "visit", "来访人员七人，系市人民医院住院大楼工程安泰劳务班组工人，反映十月以来工资未发，共约十九万元。", title="人民医院住院楼七名工人来访",
      resp="江陵安泰劳务有限公司", loc="城关街道", ppl=7, amt=190000, proj=q, cls=("collective_action",))
    P("12-13", "hotline", "来电人反映其丈夫在人民医院新住院楼工地干活，工资被欠五个月，丈夫扬言再不给钱就从楼顶跳下去，来电人非常担心。",
      title="人民医院住院楼工地欠薪 家属求助", loc="城关街道", ppl=1, amt=45000, proj=q, esc=True,
      cls=("extreme_act", "claimant_role", "informal_project_name"))
    P("12-24", "online", "市医院新住院楼工地拖欠工人工资，中天建筑和安泰劳务互相推，我们班组长已经垫了两个月生活费了。", title="市医院新住院楼欠薪",
      resp="江陵中天建筑工程有限公司", loc="城关街道", ppl=1, proj=q, cls=("informal_project_name",))
    T("12-09", "快手", "人民医院住院楼 干了半年 钱没结 🙃", author="城关搬砖", proj=q, cls=("informal_project_name",))
    T("12-14 11:30", "微博", "人民医院住院楼工地楼顶上站着个人，底下工友说是讨工钱的，看着揪心。", author="城关热心市民", proj=q,
      esc=True, cls=("extreme_act", "informal_project_name"))
    T("12-14 12:15", "抖音", "市医院新楼 有人站楼顶 讨薪 #江陵", author="随手拍江陵", proj=q, esc=True,
      cls=("extreme_act", "informal_project_name"))
    T("12-18", "贴吧", "人民医院住院楼欠薪的事有进展没？听说卫健委介入了", title="住院楼欠薪进展", author="城关老街", proj=q,
      cls=("informal_project_name",))
    T("12-21", "论坛", "市医院新住院楼的工人十多个人去卫健委门口举牌子了，牌子上写的“我们要回家过年”", title="住院楼工人举牌",
      author="路过卫健委", proj=q, esc=True, cls=("collective_action", "festival_only", "informal_project_name"))
    T("12-27", "小红书", "陪老人去人民医院看病，路过住院楼工地，门口有几个工人在跟保安说工资的事，听了几句，说是好几个月没发了。",
      author="城关的晚风", proj=q, cls=("narrative_paraphrase", "informal_project_name"))

    # ---- Q-026 南港街道棚户区改造项目, 市住建局 reports open wage arrears (amount paid moves) --------------
    q = "Q-026"
    P("12-10", "visit", "来访人员十二人反映，在南港街道棚户区改造项目做安置楼主体施工，新城建设下属班组拖欠工资约四十万元。来访人员表示已去过街道办三次。",
      title="南港棚改项目十二名工人集体来访", resp="江陵新城建设有限公司", loc="南港街道", ppl=12, amt=400000, proj=q,
      cls=("collective_action", "informal_project_name"))
    P("12-18", "letter", "信访人反映南港棚改项目拖欠工人工资半年，称工人们商量本周五一起到街道办门口拉横幅讨薪，希望政府在此之前出面。",
      title="南港棚改欠薪", loc="南港街道", ppl=1, proj=q, esc=True, cls=("collective_action", "informal_project_name"))
    P("12-26", "online", "南港棚改工地工资的问题拖了半年，今天又有工人在街道办门口聚集了，大家只想拿回自己的钱。", title="南港棚改工人又去街道办了",
      loc="南港街道", ppl=1, proj=q, esc=True, cls=("collective_action", "informal_project_name"))
    T("12-10 12:40", "微博", "南港棚改工地的工人集体讨薪，十几个人在街道办等了一上午 #南港街道#", author="南港街道观察", proj=q, esc=True,
      cls=("collective_action", "informal_project_name"))
    T("12-14", "贴吧", "南港棚户区改造那个工地，新城建设欠工人钱，听说欠了半年", author="南港土著", proj=q,
      cls=("informal_project_name",))
    T("12-19", "抖音", "南港棚改 举牌讨薪 🧧要过年了 #讨薪", author="南港阿龙", proj=q, esc=True,
      cls=("collective_action", "festival_only", "informal_project_name"))
    T("12-20", "论坛", "南港棚改的工人今天把项目部大门堵了，拉材料的车都进不去", title="南港棚改工地大门被堵", author="跑车的老蒋", proj=q,
      esc=True, cls=("collective_action", "informal_project_name"))
    T("12-27", "微博", "南港棚改的事街道说在协调，工人说协调了三个月了", author="南港街道观察", proj=q, cls=("informal_project_name",))
    T("12-30", "快手", "南港棚改工地 今天又围了一圈人 工钱还没给", author="南港阿龙", proj=q, esc=True,
      cls=("collective_action", "informal_project_name"))


def stale_items():
    # ---- Q-013 城北污水处理厂二期: ledger arrears open, same unpaid amount in Nov and Dec ---------------
    q = "Q-013"
    P("11-20", "visit", "来访人称在城北污水处理厂二期工程做设备安装，十月起工资未发，约两万元，水利水电公司说在走付款流程。",
      title="城北污水厂二期设备安装工工资", resp="江陵水利水电工程有限公司", loc="北塘镇", ppl=2, amt=20000, st="handling",
      proj=q, cls=("informal_project_name",))
    P("12-16", "hotline", "来电人反映城北污水厂工地拖欠工资，本人被欠一万一千元，十月到现在没发过。", title="城北污水厂工地欠薪",
      loc="北塘镇", ppl=1, amt=11000, proj=q, cls=("informal_project_name",))
    T("12-08", "贴吧", "城北污水厂二期的工资从十月拖到现在，水利水电公司说在走流程，流程走了两个月", author="北塘水电工", proj=q,
      cls=("informal_project_name",))
    T("12-18", "微博", "城北污水处理厂二期工地的工人说工钱拖了两个多月，问了好几次都说在走流程。", author="北塘镇小陈", proj=q,
      cls=("informal_project_name",))
    T("12-22", "快手", "城北污水厂 干活的 工钱 还在等", author="安装工阿良", proj=q, cls=("informal_project_name",))

    # ---- Q-029 妇幼保健院迁建: a letter of 09-26 still open (past 60 days either way), no window signals --
    q = "Q-029"
    P("09-26 09:40", "letter", "信访人来信反映，其在江陵市妇幼保健院迁建工程从事室内装饰，安居建设的项目负责人拖欠其班组八月、九月工资共约七万四千元，"
      "请求督促解决。", title="关于妇幼保健院迁建工程拖欠装饰班组工资的信", resp="江陵安居建设有限公司", loc="城关街道", ppl=1,
      amt=74000, st="handling", unit="市卫健委", proj=q, cls=("plain",))
    T("11-14", "贴吧", "妇幼保健院新院工地的装修班组工钱拖了三个月了，写信反映了也没回音", author="装饰工小韦", proj=q,
      cls=("informal_project_name",))

    # ---- Q-047 石坪镇农贸市场新建: a 12345 work order of 11-18 still open (15 working days) ------------
    q = "Q-047"
    P("11-18 10:25", "hotline", "来电人反映在石坪镇农贸市场新建工地做钢结构，恒达建筑的班组长拖欠其工资六千八百元，要求协调。",
      title="石坪菜市场工地钢结构工欠薪", loc="石坪镇", ppl=1, amt=6800, st="assigned", unit="市商务局", proj=q,
      cls=("informal_project_name",))


def recurrence_items():
    # ---- Q-046 翠湖湾三期 (private): Dec row resolved on 12-04, then signals from 12-12 -----------------
    q = "Q-046"
    P("11-12", "online", "翠湖湾住宅小区三期工地立信劳务拖欠我们水电班组九月、十月工资，共约十二万元。", title="翠湖湾三期水电班组欠薪",
      resp="江陵立信劳务有限公司", loc="东湖镇", ppl=2, amt=120000, st="closed", closed="12-05 16:00", proj=q)
    T("12-05", "微博", "翠湖湾三期的工资今天终于发了，拖了两个月，谢谢住建局的同志跑前跑后 👍", author="东湖水电工", proj=q, sig=False,
      res=True, cls=("resolved", "informal_project_name"))
    P("12-12", "hotline", "来电人反映翠湖湾三期工地十一月的工资没发，本月初刚清过一次旧账，现在又拖了，涉及约十人。", title="翠湖湾三期又欠薪",
      loc="东湖镇", ppl=1, proj=q, cls=("repeat_contact", "headcount_only", "informal_project_name"))
    P("12-17", "online", "翠湖湾住宅小区三期项目立信劳务拖欠工人十一月、十二月工资，上次清欠后只过了一周就又开始拖。", title="翠湖湾三期再次拖欠工资",
      resp="江陵立信劳务有限公司", loc="东湖镇", ppl=2, amt=56000, proj=q)
    P("12-23", "visit", "来访人称在翠湖湾三期做水电，十二月初刚领了十月的钱，十一月的又没发，约一万二千元。", title="翠湖湾三期水电工工资",
      resp="江陵立信劳务有限公司", loc="东湖镇", ppl=1, amt=12000, proj=q, cls=("informal_project_name",))
    T("12-13", "贴吧", "翠湖湾三期又开始拖了，上回发钱才过去一个礼拜", title="翠湖湾三期又欠了", author="东湖水电工", proj=q,
      cls=("informal_project_name",))
    T("12-18", "微博", "翠湖湾三期的工资，月初发了一次就当完成任务了？十一月的又没影了", author="翠湖湾业主小张", proj=q,
      cls=("informal_project_name",))
    T("12-21", "论坛", "金石建设在翠湖湾三期那边的活，立信劳务的人说钱要等过年前统一发。去年也是这么说的，结果拖到了正月。",
      title="翠湖湾三期说年前统一发", author="架子工老冯", proj=q, cls=("informal_project_name", "festival_only"))
    T("12-24", "抖音", "翠湖湾三期 二进宫欠薪 😤", author="东湖小钢炮", proj=q, cls=("informal_project_name",))

    # ---- Q-040 桥西老旧小区改造: Dec row resolved on 12-03, then signals from 12-12 ----------------------
    q = "Q-040"
    P("11-15", "visit", "来访人反映在桥西街道老旧小区改造工程做外墙和管网，立信劳务拖欠其班组九月以来工资约二十六万元。",
      title="桥西老旧小区改造工程欠薪", resp="江陵立信劳务有限公司", loc="桥西街道", ppl=3, amt=260000, st="closed",
      closed="12-04 10:30", proj=q)
    T("12-04", "微博", "桥西老旧小区改造的师傅们工资昨天都结了，街道的同志盯了好久，点赞！", author="桥西街道志愿者", proj=q, sig=False,
      res=True, cls=("resolved", "informal_project_name"))
    P("12-12", "visit", "来访人反映在桥西街道老旧小区改造工程做管网，十二月三日项目方刚清了一批欠款，但十一月工资又没发，本人被欠九千元。",
      title="桥西老旧小区改造十一月工资", resp="江陵立信劳务有限公司", loc="桥西街道", ppl=1, amt=9000, proj=q,
      cls=("repeat_contact",))
    P("12-18", "hotline", "来电人称桥西老小区改造工地立信劳务又拖欠工资，涉及十一人，每人五六千元。", title="桥西老小区改造又欠薪",
      loc="桥西街道", ppl=1, amt=60000, proj=q, cls=("informal_project_name", "headcount_only"))
    P("12-23", "letter", "信访人来信称，桥西老旧小区改造工程所谓“清零”只结清了九月、十月工资，十一月以后的工资仍未发放，请求核查。",
      title="桥西老旧小区改造“清零”后又欠薪", resp="江陵鼎盛建设有限公司", loc="桥西街道", ppl=1, proj=q,
      cls=("informal_project_name",))
    T("12-14", "贴吧", "桥西老小区改造的工钱不是说清零了吗？我们班十一月的还没给啊", author="桥西管道工", proj=q,
      cls=("informal_project_name",))
    T("12-19", "微博", "#桥西街道# 老旧小区改造的工人又说被拖工资了，月初那次“清零”是怎么清的？", author="桥西路人甲", proj=q,
      cls=("informal_project_name",))
    T("12-22", "快手", "桥西旧改 工钱又拖了", author="桥西小工", proj=q, cls=("informal_project_name",))

    # ---- Q-049 三中学生宿舍楼: Dec row resolved on 12-06, then signals from 12-14 -----------------------
    q = "Q-049"
    P("11-22", "hotline", "来电人反映三中宿舍楼工地恒信劳务拖欠九月、十月工资，本人被欠一万二千元。", title="三中宿舍楼工地欠薪",
      loc="桥西街道", ppl=1, amt=12000, st="closed", closed="12-06 17:00", proj=q, cls=("informal_project_name",))
    T("12-07", "公众号", "【市教育局】三中学生宿舍楼工程此前反映的拖欠农民工工资问题已于12月6日全部解决，涉及8名工人、19.6万元。",
      author="江陵教育发布", proj=q, sig=False, res=True, cls=("resolved", "notice", "informal_project_name"))
    P("12-15", "online", "三中宿舍楼工地恒信劳务在十二月六日发了九月、十月的工资，但十一月的又没发，我们八个人每人还差七千多。",
      title="三中宿舍楼十一月工资又没发", resp="江陵恒信劳务有限公司", loc="桥西街道", ppl=2, amt=57000, proj=q,
      cls=("headcount_only", "informal_project_name"))
    P("12-19", "hotline", "来电人反映三中学生宿舍楼工地工资拖欠，本人被欠一万元，称本月初“清零”时只结了旧账。", title="三中宿舍楼又欠薪",
      loc="桥西街道", ppl=1, amt=10000, proj=q, cls=("repeat_contact", "informal_project_name"))
    P("12-23", "visit", "来访人系江陵市第三中学学生宿舍楼工程钢筋工，称十一月、十二月工资均未发放，约一万四千元。", title="三中宿舍楼钢筋工工资",
      resp="江陵中天建筑工程有限公司", loc="桥西街道", ppl=1, amt=14000, proj=q)
    T("12-16", "贴吧", "三中宿舍楼的工钱，教育局说清零了，其实只清了一半，十一月的还欠着", author="三中门口卖早点的", proj=q,
      cls=("informal_project_name",))
    T("12-20", "微博", "三中宿舍那个工地又在拖钱了……上次清完才两个礼拜", author="桥西小透明", proj=q, cls=("informal_project_name",))
    T("12-24", "论坛", "三中学生公寓工地钢筋班，十一月工钱至今没发，问中天建筑说已经拨给劳务了", title="三中学生公寓的工钱",
      author="钢筋工阿彪", proj=q, cls=("informal_project_name",))


def non_wage_items():
    # All signals of these four projects are project payments; departments report 无欠薪.
    q = "Q-018"   # 西岭镇农村公路提升工程
    P("12-06", "letter", "信访人系砂石料个体经营户，来信反映其为西岭镇农村公路提升工程供应砂石，施工方江陵通衢公路工程有限公司拖欠材料款二十三万元。"
      "信访人称其雇用的运输司机也等着这笔钱发工资。", title="西岭农村公路工程拖欠砂石材料款", resp="江陵通衢公路工程有限公司",
      loc="西岭镇", ppl=1, amt=230000, proj=q, claim="project_payment", cls=("claimant_role", "wage_as_consequence"))
    P("12-15", "hotline", "来电人称给西岭村道工程供应水泥，通衢公路公司欠货款八万六千元，来电人说手下工人等着这笔钱发工资过年。",
      title="西岭村道工程欠水泥货款", loc="西岭镇", ppl=1, amt=86000, proj=q, claim="project_payment",
      cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    P("12-22", "platform", "我公司为西岭农村公路提升工程提供压路机、摊铺机，台班费拖欠十四万元，请帮忙讨要。", title="西岭农村公路农民工工资",
      resp="江陵通衢公路工程有限公司", loc="西岭镇", ppl=1, amt=140000, proj=q, claim="project_payment",
      cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    T("12-09", "贴吧", "西岭修村道的砂石钱拖了小半年，我们拉料的车队司机都快发不出工资了", title="西岭修村道的砂石钱", author="拉砂石的老段",
      proj=q, claim="project_payment", cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    T("12-17", "微博", "#西岭镇# 农村公路提升工程欠我们材料款，老板说等审计，等到什么时候？供货的也是要养家的", author="西岭建材老周",
      proj=q, claim="project_payment", cls=("claimant_role", "informal_project_name"))
    T("12-21", "快手", "西岭村道 材料款 要不回来 😤 工人工资都压着", author="西岭建材老周", proj=q, claim="project_payment",
      cls=("wage_as_consequence", "informal_project_name"))

    q = "Q-050"   # 江陵至石坪二级公路改建工程 (无欠薪 + 承诺书)
    P("12-05", "visit", "来访人系机械租赁站老板，反映江陵至石坪二级公路改建工程施工方江陵路桥建设有限公司拖欠其挖掘机、装载机租赁费约三十一万元。",
      title="江石公路拖欠机械租赁费", resp="江陵路桥建设有限公司", loc="石坪镇", ppl=1, amt=310000, proj=q, claim="project_payment",
      cls=("claimant_role",))
    P("12-13", "online", "江石公路改建工程拖欠农民工工资！我们是给项目跑运输的车队，路桥公司欠台班费十九万，司机工资全靠这笔钱。",
      title="江石公路拖欠农民工工资", resp="江陵路桥建设有限公司", loc="石坪镇", ppl=1, amt=190000, proj=q, claim="project_payment",
      cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    P("12-20", "platform", "江石公路项目欠钢模板租金六万四千元，租赁合同到期三个月未结。", title="江石公路项目欠租金",
      resp="江陵路桥建设有限公司", loc="石坪镇", ppl=1, amt=64000, proj=q, claim="project_payment",
      cls=("claimant_role", "informal_project_name"), anon=True)
    T("12-08", "微博", "江石公路那个项目，挖机台班费欠了几个月了，我们机械老板也是有员工要养的 #江陵#", author="挖机老板阿光", proj=q,
      claim="project_payment", cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    T("12-16", "贴吧", "江石公路欠机械费的有多少？我这边两台挖机干了三个月，一分钱没结", title="江石公路欠机械费", author="挖机老板阿光",
      proj=q, claim="project_payment", cls=("claimant_role", "informal_project_name"))
    T("12-23", "抖音", "江石公路 台班费 🚜 欠着呢 #工程机械", author="铲车司机小谭", proj=q, claim="project_payment",
      cls=("informal_project_name",))

    q = "Q-012"   # 北塘镇农贸市场改造工程
    P("12-07", "visit", "来访人系劳务分包老板，称其公司承接北塘镇农贸市场改造工程的砌筑和抹灰分项，总包江陵恒达建筑有限公司拖欠工程结算款二十七万元，"
      "其公司垫付的工人工资至今收不回来。", title="北塘农贸市场改造工程拖欠分包结算款", resp="江陵恒达建筑有限公司", loc="北塘镇",
      ppl=1, amt=270000, proj=q, claim="project_payment", cls=("claimant_role", "wage_as_consequence"))
    P("12-14", "hotline", "来电人为北塘菜市场改造工程钢结构分包商，反映总包拖欠工程款约十二万元，来电人称因此无法支付自己工人的工资。",
      title="北塘菜市场改造拖欠分包工程款", loc="北塘镇", ppl=1, amt=120000, proj=q, claim="project_payment",
      cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    P("12-21", "online", "北塘农贸市场改造工程欠我公司装修工程款十五万元，我公司二十几名工人的工资都靠这笔款，请政府督促总包结算。",
      title="北塘农贸市场拖欠农民工工资", resp="江陵恒达建筑有限公司", loc="北塘镇", ppl=1, amt=150000, proj=q,
      claim="project_payment", cls=("claimant_role", "wage_as_consequence", "headcount_only", "informal_project_name"))
    T("12-10", "贴吧", "北塘菜市场改造，分包给我们的活干完半年了，结算款还拖着，我自己垫了工人工资，已经垫不动了", title="北塘菜市场的结算款",
      author="小包工头老侯", proj=q, claim="project_payment", cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    T("12-18", "微博", "北塘农贸市场改造的总包欠分包款，分包老板在朋友圈天天发，说要卖车给工人发工资", author="北塘镇小陈", proj=q,
      claim="project_payment", cls=("narrative_paraphrase", "wage_as_consequence", "informal_project_name"))
    T("12-24", "快手", "北塘农贸市场 工程款 结不了 我这个小老板太难了", author="小包工头老侯", proj=q, claim="project_payment",
      cls=("claimant_role", "informal_project_name"))

    q = "Q-037"   # 黄沟乡小型水库除险加固工程
    P("12-09", "letter", "信访人系商品混凝土搅拌站负责人，来信反映黄沟乡小型水库除险加固工程施工单位江陵水利水电工程有限公司拖欠混凝土款约三十八万元。",
      title="黄沟水库加固工程拖欠混凝土款", resp="江陵水利水电工程有限公司", loc="黄沟乡", ppl=1, amt=380000, proj=q,
      claim="project_payment", cls=("claimant_role",))
    P("12-19", "hotline", "来电人称给黄沟水库加固工程供应块石，欠款四万二千元一直不结，来电人说自己雇的装车工工资都发不出。",
      title="黄沟水库加固工程欠石料款", loc="黄沟乡", ppl=1, amt=42000, proj=q, claim="project_payment",
      cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    T("12-12", "贴吧", "黄沟水库加固工程的混凝土款欠了半年了，搅拌站也要给司机发工资的啊", author="搅拌站小段", proj=q,
      claim="project_payment", cls=("claimant_role", "wage_as_consequence", "informal_project_name"))
    T("12-20", "微博", "黄构水库那个工程，欠我们石料款，说是审计没完。#江陵黄沟#", author="黄沟石场", proj=q, claim="project_payment",
      cls=("homophone_township", "claimant_role", "informal_project_name"))
    T("12-23", "论坛", "给黄沟水库加固供过货的老板们，你们的钱结了吗？我们的石料款拖了五个月了", title="黄沟水库加固工程的货款",
      author="黄沟石场", proj=q, claim="project_payment", cls=("claimant_role", "informal_project_name"))


def no_flag_items():
    # ---- Q-016 锦江府 (private): wage signals, no flag (underreported needs a sensitive project) ----------
    q = "Q-016"
    P("12-06", "visit", "来访人称在锦江府住宅小区做装修收尾，鼎盛建设的班组长拖欠其十一月工资七千元。", title="锦江府装修工欠薪",
      resp="江陵鼎盛建设有限公司", loc="城关街道", ppl=1, amt=7000, proj=q, cls=("informal_project_name",))
    P("12-15", "online", "锦江府项目开发商资金紧张，总包鼎盛建设拖欠我们木工班组三个月工资，约十二万元，我是班组长，替班里的人问一问。",
      title="锦江府木工班组工资", resp="江陵锦江置业有限公司", loc="城关街道", ppl=3, amt=120000, proj=q,
      cls=("claimant_role", "boss_blames_project_payment", "informal_project_name"))
    P("12-22", "hotline", "来电人称锦江府工地欠薪，涉及本人及工友共四人，约四万元，开发商说房子卖不动。", title="锦江府工地欠薪", loc="城关街道",
      ppl=4, amt=40000, proj=q, cls=("boss_blames_project_payment", "informal_project_name"))
    T("12-08", "贴吧", "锦江府的房子还能买吗？在工地上干活的亲戚说工人工资都拖了两个月", title="锦江府还能买吗", author="刚需小白", proj=q,
      cls=("narrative_paraphrase", "informal_project_name"))
    T("12-12", "微博", "锦江府交房要延期了吧，工人工资拖了好几个月，活儿都干不动", author="城关吃瓜群众", proj=q,
      cls=("informal_project_name",))
    T("12-17", "论坛", "在锦江府干了半年，开发商没钱，工资月月拖，这个月干脆不发了", title="锦江府工资月月拖", author="油漆工小白", proj=q,
      cls=("informal_project_name",))
    T("12-21", "抖音", "锦江府 工地 工钱拖到年底了 #江陵城关", author="城关小李", proj=q, cls=("informal_project_name",))
    T("12-29", "快手", "锦江府 还欠着 🙄", author="油漆工小白", proj=q, cls=("informal_project_name",))

    # ---- Q-003 江陵一中改扩建: sensitive, 市教育局 reports open wage arrears -> no flag ----------------------
    q = "Q-003"
    P("11-25", "online", "江陵一中改扩建工程德润劳务拖欠我们砌筑班组工资，九月以来共约十八万元。", title="一中改扩建工程欠薪",
      resp="江陵德润劳务有限公司", loc="城关街道", ppl=2, amt=180000, st="handling", proj=q, cls=("informal_project_name",))
    P("12-07", "visit", "来访人称在江陵一中改扩建工程（新教学楼）做砌筑，德润劳务拖欠其工资约一万五千元。", title="一中新教学楼砌筑工欠薪",
      resp="江陵德润劳务有限公司", loc="城关街道", ppl=1, amt=15000, proj=q, cls=("informal_project_name",))
    P("12-16", "online", "一中新教学楼工地拖欠工资的问题，教育局说已经在督办，到现在只发了一部分，还差一半多。", title="一中新教学楼工资只发了一部分",
      loc="城关街道", ppl=2, proj=q, cls=("informal_project_name",))
    P("12-21", "hotline", "来电人反映江陵一中改扩建项目欠薪，本人约八千元。", title="一中改扩建欠薪", loc="城关街道", ppl=1, amt=8000, proj=q,
      cls=("informal_project_name",))
    T("12-10", "贴吧", "一中新教学楼那边的工钱发了一部分，还差一半，教育局说在督办", author="城关老街", proj=q,
      cls=("informal_project_name",))
    T("12-15", "微博", "#江陵一中# 改扩建工程的工人工资还拖着，孩子们都等着新教学楼呢", author="一中家长", proj=q,
      cls=("informal_project_name",))
    T("12-19", "快手", "一中新教学楼 工钱 还差一半", author="砌墙的老覃", proj=q, cls=("informal_project_name",))
    T("12-23", "论坛", "华建在一中改扩建的项目，我们班组的钱结了六成，剩下的说年后", title="一中改扩建结了六成", author="瓦工阿东", proj=q,
      cls=("informal_project_name",))

    # ---- Q-039 二院门诊楼: Dec row reports open wage arrears -> no flag --------------------------------
    q = "Q-039"
    P("12-11", "visit", "来访人反映在市第二人民医院门诊楼工地做水电安装，恒信劳务拖欠其班组工资约十四万元。", title="二院门诊楼水电班组欠薪",
      resp="江陵恒信劳务有限公司", loc="桥西街道", ppl=2, amt=140000, proj=q, cls=("informal_project_name",))
    P("12-20", "online", "二院门诊楼工地拖欠工资，我是做外墙涂料的，被欠六千多，卫健委说在协调。", title="二院门诊楼外墙涂料工欠薪",
      loc="桥西街道", ppl=1, amt=6300, proj=q, cls=("informal_project_name",))
    T("12-13", "贴吧", "二院门诊楼的工人工资还没发，听说卫健委在协调", author="桥西老街坊", proj=q, cls=("informal_project_name",))
    T("12-18", "微博", "二院门诊楼工地欠薪的事，卫健委已经登记了，说月底前给个方案。", author="桥西小透明", proj=q,
      cls=("informal_project_name",))
    T("12-22", "快手", "二院门诊楼 工钱 等通知", author="桥西小工", proj=q, cls=("informal_project_name",))

    # ---- Q-033 城北安置房二期 ("城北二期"): Dec row reports open wage arrears -> no flag -------------------
    q = "Q-033"
    P("12-09", "visit", "来访人称在城北安置房二期（城北安置小区二期）工地做钢筋，鑫盛劳务拖欠其工资一万九千元。", title="城北安置二期钢筋工欠薪",
      resp="江陵鑫盛劳务有限公司", loc="北塘镇", ppl=1, amt=19000, proj=q, cls=("informal_project_name",))
    P("12-17", "hotline", "来电人反映城北二期安置房工地工资拖欠，本人被欠八千元。", title="城北二期安置房欠薪", loc="北塘镇", ppl=1, amt=8000,
      proj=q, cls=("informal_project_name",))
    P("12-22", "online", "城北安置小区二期项目拖欠水电班组工资，我们两个人一共一万六。", title="城北安置小区二期欠薪", loc="北塘镇", ppl=2,
      amt=16000, proj=q, cls=("informal_project_name",))
    T("12-11", "贴吧", "城北二期安置房的工地还欠着钱，北塘那边的，有一起在那干的吗", author="北塘水电工", proj=q,
      cls=("informal_project_name",))
    T("12-16", "微博", "城北二期还建房工地的工人说十一月工资没发。", author="北塘镇小陈", proj=q, cls=("informal_project_name",))
    T("12-20", "快手", "城北二期 安置房 工资 又拖", author="北塘老表", proj=q, cls=("informal_project_name",))
    T("12-24", "论坛", "城北安置二期欠薪，住建局已经登记上台账了，说月底前先发一部分", title="城北安置二期欠薪上台账了", author="钢筋老杨",
      proj=q, cls=("informal_project_name",))

    # ---- Q-009 城关老旧小区改造: only resolved / everyday mentions (无欠薪 + 承诺书) ------------------------
    q = "Q-009"
    P("12-10 10:15", "hotline", "来电人表示，此前反映的城关老旧小区改造工程拖欠工资问题已解决，工资已全部到账，对处理结果满意。", title="回访：城关老旧小区改造工资已到账",
      loc="城关街道", ppl=1, st="closed", closed="12-10 16:20", proj=q, sig=False, res=True, cls=("resolved", "repeat_contact"))
    T("12-12", "微博", "城关老旧小区改造的师傅们今天给街道送了面锦旗，拖了两个月的工资终于结清了 👏", author="城关街道观察", proj=q, sig=False,
      res=True, cls=("resolved", "informal_project_name"))
    T("12-18", "贴吧", "城关老旧小区改造完了，楼道亮堂多了，电梯也装上了，就是停车位还是少", author="城关老街", proj=q, sig=False,
      cls=("everyday", "informal_project_name"))
    T("12-23", "公众号", "【城关街道】老旧小区改造工程农民工工资已全部结清，街道将持续做好工资支付监管，欢迎群众监督。", author="城关街道办事处",
      proj=q, sig=False, res=True, cls=("resolved", "notice", "informal_project_name"))

    # ---- non-signal mentions of other projects ----------------------------------------------------------
    T("12-07", "微博", "会展中心工地晚上还在打灰，吵得睡不着，能不能管管", author="南港夜猫子", proj="Q-011", sig=False,
      cls=("everyday", "informal_project_name"))
    T("12-15", "头条", "记者从市住建局获悉，江陵国际会展中心项目主体结构近日封顶，预计明年五月投用。项目建设期间严格落实农民工工资专户和实名制管理。",
      title="江陵国际会展中心主体封顶", author="江陵新闻网", proj="Q-011", sig=False, cls=("news_dateline",))
    T("12-21", "抖音", "会展中心的工友们今年不回家过年了，项目上给大家准备了年货和红包 🧧", author="会展中心项目部", proj="Q-011",
      sig=False, cls=("festival_only", "informal_project_name"))
    T("12-09", "公众号", "市教育局通报：今年以来，东湖镇中心学校迁建工程等12个在建教育项目全部实现工资专户、实名制管理全覆盖，未发生欠薪投诉。",
      author="江陵教育发布", proj="Q-005", sig=False, cls=("statistics", "notice"))
    T("12-20", "新闻", "东湖中心学校新校区明年秋季启用，届时将容纳学生一千二百人。", author="江陵日报", proj="Q-005", sig=False,
      cls=("news_dateline", "informal_project_name"))
    T("12-19", "微博", "看到临江南港码头欠薪的新闻，一开始还以为是我们江陵的南港码头，吓一跳", author="南港码头搬运工", proj=None,
      sig=False, cls=("other_city",))
    T("12-24", "贴吧", "江陵南港码头扩建干得怎么样了？每天开车路过都看到吊机在干活", author="有车一族", proj="Q-021", sig=False,
      cls=("everyday", "informal_project_name"))
    T("12-08", "贴吧", "问一下，要是在高新区标准厂房三期干活，老板不给工钱的话应该找谁？提前问问，还没去", author="准备进厂的小伙",
      proj="Q-027", sig=False, cls=("hypothetical_advice", "informal_project_name"))
    T("12-17", "论坛", "假如标准厂房四期的包工头到年底不结账，能直接找金石建设吗？先问清楚再进场", title="先问清楚再进场", author="电焊工阿海",
      proj="Q-038", sig=False, cls=("hypothetical_advice", "informal_project_name"))
    T("12-14", "公众号", "关于网传“一中体育馆项目拖欠农民工工资”的情况说明：经市教育局、市人社局联合核查，该项目农民工工资均已通过专户按月足额发放，"
      "不存在拖欠情况。", author="江陵教育发布", proj="Q-004", sig=False, cls=("denial", "notice", "informal_project_name"))
    T("12-15", "微博", "一中体育馆那个欠薪的传言，教育局已经辟谣了，工资都是专户发的，别乱传", author="一中家长", proj="Q-004", sig=False,
      cls=("denial", "informal_project_name"))
    T("12-06", "快手", "职院实训楼项目招木工、钢筋工，日结，包吃住，联系王工 139****2277", author="职院项目招工", proj="Q-020",
      sig=False, cls=("recruitment", "informal_project_name"))
    T("12-19", "微博", "江陵职院实训楼工地急招水电工5名，工资月结不拖欠，有意者私信", author="桥西劳务信息", proj="Q-020", sig=False,
      cls=("recruitment", "informal_project_name"))
    T("12-10", "公众号", "【公示】江陵市城市客厅文化中心项目农民工工资支付情况公示：本项目已开设工资专户，实行银行代发，维权电话12345。",
      author="江陵文旅", proj="Q-042", sig=False, cls=("notice",))
    T("12-26", "微博", "城市客厅建好了，精神家园又多一块。可惜文化不能按月发工资，哈哈", author="江陵文艺青年", proj="Q-042", sig=False,
      cls=("everyday", "informal_project_name"))
    T("12-13", "公众号", "温馨提示：西岭安置小区配套工程项目部提醒广大务工人员，工资通过专户按月发放，如遇拖欠可拨打维权电话。",
      author="西岭镇人民政府", proj="Q-044", sig=False, cls=("notice", "informal_project_name"))
    T("12-09", "贴吧", "桥西大桥工地的兄弟说这个月工资按时到账了，路桥公司这点还算靠谱", author="桥西老街坊", proj="Q-008", sig=False,
      cls=("everyday", "informal_project_name"))
    T("12-22", "微博", "桥西大桥合龙了！以后去南港不用绕路了", author="有车一族", proj="Q-008", sig=False, cls=("everyday", "informal_project_name"))
    T("12-06", "论坛", "南港新村一期去年欠的工资，今年春天就结清了，那会儿闹得挺大的，现在二期怎么样不清楚", title="南港新村一期",
      author="南港土著", proj="Q-001", sig=False, res=True, cls=("resolved", "informal_project_name"))
    T("12-14", "论坛", "西嶺衛生院那邊的工錢上週都結清了，謝謝鎮上幫忙協調", author="西岭山里人", proj="Q-006", sig=False, res=True,
      cls=("resolved", "traditional_or_typo", "informal_project_name"))
    T("12-20", "公众号", "北塘敬老院项目部开展“冬日送温暖”活动，为坚守岗位的工人送去棉衣和年货，提前给大家拜个早年。", author="北塘镇人民政府",
      proj="Q-030", sig=False, cls=("festival_only", "notice", "informal_project_name"))
    T("12-11", "头条", "档案馆新馆项目停工一年多何时复工？市住建局回复：项目正在办理设计变更手续，复工时间另行公告。", title="档案馆新馆何时复工",
      author="江陵问政", proj="Q-022", sig=False, cls=("news_dateline", "informal_project_name"))
    T("12-08", "小红书", "东湖湿地公园的芦苇荡太好看了，冬天的夕阳绝了 🌅", author="慢慢走的喵", proj="Q-010", sig=False,
      cls=("everyday", "informal_project_name"))
    T("12-16", "新闻", "滨湖大道改造期间，滨湖路建设路至湖滨路段半幅封闭施工，请过往车辆提前绕行。", author="江陵交警", proj="Q-007", sig=False,
      cls=("notice", "informal_project_name"))
    T("12-05", "头条", "江陵至石坪二级公路改建工程进展顺利，路基工程已完成八成，预计明年十月通车。", title="江石公路明年十月通车",
      author="江陵新闻网", proj="Q-050", sig=False, cls=("news_dateline",))
    # completed / closed cases before the window (resolved, closed): no stale, no recurrence
    P("11-08", "visit", "来访人反映石坪镇中心小学教学楼工地和顺劳务拖欠其班组十月工资，共五人约八万八千元。", title="石坪小学教学楼工地欠薪",
      resp="江陵和顺劳务有限公司", loc="石坪镇", ppl=1, amt=88000, st="closed", closed="11-22 15:00", proj="Q-035",
      cls=("informal_project_name",))
    P("11-12", "hotline", "来电人反映城关社区卫生服务中心工地拖欠其工资四千元。", title="城关社区卫生服务中心工地欠薪", loc="城关街道", ppl=1,
      amt=4000, st="closed", closed="11-15 11:00", proj="Q-052", cls=("informal_project_name",))
    P("11-20", "online", "东湖幼儿园工地拖欠我们两个人十月的工资，一共一万一千元。", title="东湖幼儿园工地欠薪", loc="东湖镇", ppl=2, amt=11000,
      st="closed", closed="11-29 10:00", proj="Q-041", cls=("informal_project_name",))
    P("11-25", "hotline", "来电人反映二院门诊楼工地欠薪。", title="二院门诊楼欠薪", loc="桥西街道", ppl=1, st="closed", closed="12-03 09:30",
      proj="Q-039", cls=("informal_project_name",))


def ambiguous_items():
    # names that fit two registry projects equally: project null
    T("12-07", "微博", "南港安置房那边又有人说欠工资了，到底是一期还是二期也没说清楚", author="南港街道观察", amb=True,
      cls=("ambiguous_project",))
    P("12-13", "hotline", "来电人反映南港安置房工地拖欠工资，来电人未说明是哪一期，称被欠五千元，拒绝留下更多信息。", title="南港安置房工地欠薪",
      loc="南港街道", ppl=1, amt=5000, amb=True, cls=("ambiguous_project",))
    T("12-10", "贴吧", "一中工地欠钱吗？我老乡在一中那边干，说钱拖着", author="一中家长", amb=True, cls=("ambiguous_project",))
    T("12-18", "快手", "高新区标准厂房 工钱没结 😡", author="高新区打工人", amb=True, cls=("ambiguous_project",))
    P("12-16", "online", "城北安置房项目拖欠水电工资，我在那干了三个月，工钱一直没给全。", title="城北安置房欠薪", loc="北塘镇", ppl=1, amb=True,
      cls=("ambiguous_project",))
    T("12-19", "论坛", "光伏扶贫电站工地的钱结了没？我们装支架的还差两个月", title="光伏电站装支架的钱", author="装支架的老钟", amb=True,
      cls=("ambiguous_project",))
    T("12-21", "微博", "江陵的老旧小区改造又有工人说被拖工资，这种民生工程也欠薪？", author="江陵吐槽君", amb=True, cls=("ambiguous_project",))
    P("12-20", "hotline", "来电人称在东湖镇学校工地做木工被欠工资七千元，来电人说不清是中心学校还是幼儿园工地。", title="东湖镇学校工地欠薪",
      loc="东湖镇", ppl=1, amt=7000, amb=True, cls=("ambiguous_project",))


UNREGISTERED = {
    "U-01": "北塘镇宏达食品厂新厂房",
    "U-02": "石坪镇云栖山庄民宿",
    "U-03": "桥西街道金源大厦",
}

def unregistered_items():
    s = {"id": "U-01", "name": UNREGISTERED["U-01"]}
    P("12-05", "visit", "来访人称在北塘镇宏达食品厂新厂房工地做钢结构安装，包工头拖欠其工资一万二千元，包工头称厂里还没付款。",
      title="宏达食品厂新厂房工地欠薪", loc="北塘镇", ppl=1, amt=12000, site=s, cls=("unregistered_site", "boss_blames_project_payment"))
    T("12-09", "贴吧", "北塘宏达厂房工地欠钱，包工头不见人了，谁知道宏达老板电话", title="北塘宏达厂房工地欠钱", author="北塘二狗", site=s,
      cls=("unregistered_site", "site_variant"))
    T("12-15", "快手", "北堂镇宏达食品新厂 干了两个月 没钱 😡", author="焊工小曾", site=s,
      cls=("unregistered_site", "site_variant", "homophone_township"))
    P("12-19", "hotline", "来电人反映宏达食品厂扩建工地拖欠工资，涉及三人，约二万七千元。", title="宏达食品厂扩建工地欠薪", loc="北塘镇", ppl=1,
      amt=27000, site=s, cls=("unregistered_site", "site_variant"))

    s = {"id": "U-02", "name": UNREGISTERED["U-02"]}
    T("12-06", "微博", "石坪云栖民宿工地的老板拖工钱，我们几个做木工的从九月等到现在 #石坪镇#", author="石坪阿华", site=s,
      cls=("unregistered_site", "site_variant"))
    P("12-12", "online", "石平镇云栖山庄项目拖欠木工工资约三万元，老板是外地人，最近不来工地了。", title="云栖山庄项目欠木工工资", loc="石平镇",
      ppl=2, amt=30000, site=s, cls=("unregistered_site", "homophone_township"))
    T("12-20", "论坛", "雲棲山莊那個民宿工地，老闆欠了一屁股工錢，木工水電都沒結", author="石坪人在江陵", site=s,
      cls=("unregistered_site", "traditional_or_typo", "site_variant"))
    P("12-22", "visit", "来访人系石坪镇云栖山庄民宿项目水电工，称老板拖欠其工资九千元。", title="云栖山庄民宿水电工工资", loc="石坪镇", ppl=1,
      amt=9000, site=s, cls=("unregistered_site",))

    s = {"id": "U-03", "name": UNREGISTERED["U-03"]}
    P("12-08", "visit", "来访人称在桥西街道金源大厦工地做幕墙，开发商拖欠工程款导致班组工资未发，本人被欠九千元。", title="金源大厦工地欠薪",
      loc="桥西街道", ppl=1, amt=9000, site=s, cls=("unregistered_site", "boss_blames_project_payment"))
    T("12-11", "贴吧", "金源大厦工地欠工资的事有人管吗，干了两个月了", author="幕墙工阿辉", site=s, cls=("unregistered_site",))
    T("12-18", "微博", "桥西金源大夏项目工人工资拖了三个月 #桥西#", author="桥西路人甲", site=s,
      cls=("unregistered_site", "traditional_or_typo", "site_variant"))
    P("12-24", "platform", "金源商务大厦工地水电班组欠薪线索，约六万元，项目位于桥西街道。", title="金源商务大厦欠薪线索", loc="桥西街道", ppl=1,
      amt=60000, site=s, cls=("unregistered_site", "site_variant"), anon=True)
    # a look-alike in another city: not listed
    T("12-13", "新闻", "云州市讯 云州市金源大厦项目近日被曝拖欠工人工资，云州市人社局已责令施工方限期支付。", author="云州日报", sig=False,
      cls=("other_city", "news_dateline"))


def generic_items():
    # local signals with no concrete place: project null, site null (must not be listed)
    P("12-04", "hotline", "来电人反映在一私人建房工地帮工，房主拖欠工钱三千五百元，房主称房子盖完再给。", title="私人建房拖欠工钱", ppl=1,
      amt=3500, cls=("generic_site",))
    P("12-08", "visit", "来访人称在一工地做小工，包工头拖欠工钱六千元，包工头姓张，具体工地名称来访人说不清楚。", title="包工头拖欠工钱",
      ppl=1, amt=6000, cls=("generic_site",))
    P("12-11", "online", "我在江陵一个学校工地干了两个月，工钱没拿到，包工头说学校那边还没结账。", title="学校工地工钱", ppl=1,
      cls=("generic_site", "boss_blames_project_payment"))
    P("12-17", "hotline", "来电人称在某小区装修工地干活，装修公司拖欠工资四千元。", title="装修公司拖欠工资", ppl=1, amt=4000,
      cls=("generic_site",))
    P("12-19", "hotline", "来电人反映其弟弟在江陵某工地摔伤后被辞退，工地拖欠其两个月工资。", title="工地拖欠工资", ppl=1,
      cls=("generic_site", "claimant_role"))
    P("12-21", "platform", "匿名线索：城区某商品房项目拖欠工人工资，具体项目名称举报人未提供。", title="商品房项目欠薪", anon=True,
      cls=("generic_site",))
    P("12-26", "online", "本人四川人，在江陵城区工地干木工半年，包工头拖欠工钱一万多，老乡都回四川了我还在这边等。", title="外地工人在江陵被欠工钱",
      ppl=1, amt=12000, cls=("local_despite_city_name", "generic_site"))
    P("12-27", "hotline", "来电人称在江陵一家装修队干活，十一月工资三千二百元未发，老板电话不接。", title="装修队欠薪", ppl=1, amt=3200,
      cls=("generic_site",))
    T("12-03", "微博", "在工地干了一年，年底老板说没钱，我们农民工的钱就这么难拿吗 #江陵#", author="搬砖的小王", cls=("generic_site",))
    T("12-05", "贴吧", "江陵城区哪个工地欠了我老公两个月工资，包工头电话打不通，求助", author="江陵宝妈", cls=("generic_site", "claimant_role"))
    T("12-09", "微博", "帮朋友问问，在江陵干装修被老板欠了八千块，打12345有用吗？", author="江陵小何同学", cls=("generic_site", "claimant_role"))
    T("12-12", "论坛", "在江陵一个小区干水电，老板拖了三个月，说等业主给钱", title="干水电被拖了三个月", author="水电工老潘",
      cls=("generic_site", "boss_blames_project_payment"))
    T("12-14", "快手", "包工头跑路了 一帮人的工钱没了 就在南港那边 😭", author="南港阿龙", cls=("generic_site",))
    T("12-16", "抖音", "学校工地的活干完了 钱没给 #江陵 #农民工", author="阿坤在工地", cls=("generic_site",))
    T("12-18", "论坛", "東湖那邊有個工地欠錢不給，幹了三個月了", author="東湖老鄉", cls=("generic_site", "traditional_or_typo"))
    T("12-20", "微博", "gd上的钱又拖了，lb说下个月，下个月复下个月 #江陵#", author="江陵搬砖人", cls=("generic_site", "traditional_or_typo"))
    T("12-22", "贴吧", "我舅在城区工地开塔吊，工资拖了仨月，他说开塔吊的都拖", author="城关吃瓜群众", cls=("generic_site", "compound_word"))
    T("12-25", "快手", "河南老乡在江陵东湖这边的工地干活 钱拖了俩月 过年回不去了", author="河南小伙在江陵",
      cls=("generic_site", "local_despite_city_name", "festival_only"))
    T("12-28", "微博", "江陵这边有个工地，干了四个月只给了生活费，老板说过完年再算 #江陵#", author="搬砖的小王", cls=("generic_site",))
    T("12-30", "小红书", "年底了还在追工钱，装修公司说元旦后结，我已经不信了 #江陵装修", author="江陵装修日记", cls=("generic_site",))


def rd(first=1, last=31, month=12):
    return f"{month}-{rng.randint(first, last):02d}"

def noise_items():
    """Texts that are not signals (and a few November items). Dates drawn by the generator."""
    law = [
        ("公众号", "《保障农民工工资支付条例》规定，建设单位应当按合同约定及时拨付工程款，并将人工费用及时足额拨付至农民工工资专用账户。", ""),
        ("头条", "包工头跑路了，工资找谁要？根据条例，分包单位拖欠农民工工资的，由施工总承包单位先行清偿，再依法进行追偿。", "律师说法｜包工头跑路了，工资找谁要"),
        ("抖音", "普法小课堂：被拖欠工资，可以向劳动保障监察机构投诉，也可以申请劳动仲裁，记得保留考勤记录、工资条和聊天记录 📌 #普法", ""),
        ("公众号", "问：没签劳动合同，工地欠的工钱还能要回来吗？答：可以。工友证言、微信转账记录、工地照片、工作服工牌都可以作为证明劳动关系的证据。", "【以问代答】没签合同能讨薪吗"),
        ("头条", "拒不支付劳动报酬罪：以转移财产、逃匿等方法逃避支付劳动者报酬，数额较大，经政府有关部门责令支付仍不支付的，处三年以下有期徒刑或者拘役，并处或者单处罚金。", "一图读懂拒不支付劳动报酬罪"),
        ("公众号", "法律科普：材料商、租赁商的欠款属于买卖或租赁合同纠纷，应当通过协商、诉讼解决，和农民工工资不是一回事。", "工程款纠纷不等于欠薪"),
        ("微博", "工资保证金是干什么的？施工总承包单位按规定存储工资保证金，专门用于支付为所承包工程提供劳动的农民工被拖欠的工资。#普法#", ""),
        ("抖音", "遇到欠薪别冲动！爬塔吊、堵路既危险又可能违法，正确做法是打12345或者找劳动监察大队 #普法 #讨薪", ""),
        ("快手", "实名制管理是啥意思？就是工地要登记每个工人的身份、考勤和工资，工钱由银行直接打到你自己卡上，班组长不能代领", ""),
        ("公众号", "农民工讨薪“三步走”：先找班组长和项目部协商；协商不成向劳动保障监察投诉；仍不解决的申请仲裁或者起诉。", "讨薪三步走"),
        ("头条", "很多人问，工地干活没拿到钱能不能找建设单位？条例规定，建设单位未按约定拨付工程款导致欠薪的，由建设单位以未结清的工程款为限先行垫付。", "欠薪能找建设单位吗"),
        ("新闻", "以案说法：外地一包工头将工程款挪作他用，拒不支付六十余名工人的工资，法院以拒不支付劳动报酬罪判处其有期徒刑一年六个月。", "包工头恶意欠薪获刑"),
        ("小红书", "整理了一份讨薪证据清单📋：1.考勤表 2.工资欠条 3.微信语音和转账 4.工地照片 5.工友联系方式。转给需要的人", ""),
    ]
    for plat, text, title in law:
        T(rd(), plat, text, title=title, sig=False, cls=("law_explainer",))

    stats = [
        ("新闻", "江陵市人社局消息，今年以来全市劳动保障监察机构共受理欠薪案件二百一十三件，为三千余名劳动者追回工资四千六百余万元，案件数同比下降百分之十二。", "全市今年追回欠薪四千六百余万元"),
        ("公众号", "市根治欠薪工作领导小组召开冬季专项行动推进会，通报前期排查情况：全市在建工程项目一百余个，工资专户开设率达百分之九十八，实名制覆盖率百分之百。", "冬季专项行动推进会召开"),
        ("头条", "12345热线十一月工单分析：劳动保障类诉求占百分之七点三，其中工资拖欠类诉求环比下降百分之十五。", "12345热线十一月数据"),
        ("微博", "人社部：前三季度全国共为近四十万名劳动者追发工资等待遇。#根治欠薪#", ""),
        ("公众号", "市住建局：全市房建市政项目已全部纳入劳动用工实名制平台管理，今年累计约谈施工企业十七家，全民健身中心等已完工项目工资全部结清。", "住建领域根治欠薪工作情况"),
        ("公众号", "东湖镇2024年工作总结（摘要）：全年化解各类劳资纠纷三十二起，涉及金额二百八十万元，未发生因欠薪引发的群体性事件。", "东湖镇2024年工作总结"),
        ("新闻", "西岭镇召开根治欠薪工作会议，集体研究部署春节前清欠工作，西岭光伏电站等已完工项目开展“回头看”。", "西岭镇部署春节前清欠"),
        ("头条", "全市信访形势分析：十一月共接待群众来访一百零六批次，其中涉及劳动报酬的二十一批次，同比减少五批次。", "十一月信访形势分析"),
        ("微博", "今年全省根治欠薪冬季行动已办结欠薪线索一千二百余条，为一万八千余名农民工追发工资。#根治欠薪冬季行动#", ""),
    ]
    for plat, text, title in stats:
        proj = "Q-028" if "西岭光伏电站" in text else "Q-024" if "全民健身中心" in text else None
        T(rd(), plat, text, title=title, proj=proj, sig=False, cls=("statistics",))

    notices = [
        ("公众号", "温馨提示：春节将至，请广大务工人员通过正规渠道反映工资诉求，不信谣、不传谣。维权电话：12345。", "温馨提示"),
        ("公众号", "江陵市人力资源和社会保障局关于公布农民工工资拖欠举报投诉电话的公告：即日起，可拨打12345或到各镇（街道）劳动保障所反映。", "关于公布欠薪举报投诉电话的公告"),
        ("微博", "【江陵市根治欠薪办】即日起至明年春节前开展集中整治行动，对恶意欠薪行为依法从严查处。#江陵发布#", ""),
        ("公众号", "北塘镇人民政府关于做好岁末年初农民工工资支付工作的通知：各村（社区）、各在建项目要认真排查，确保工资按时足额发放。", "关于做好岁末年初农民工工资支付工作的通知"),
        ("公众号", "南港街道农民工工资维权服务站已在街道便民服务中心设立，工作时间为周一至周五上午九点至下午五点。", "维权服务站设立"),
        ("新闻", "江陵市劳动人事争议仲裁院开通农民工追索劳动报酬案件“绿色通道”，实行快立、快审、快结。", "欠薪仲裁开通绿色通道"),
        ("微博", "温馨提醒：切勿轻信“代讨薪”中介，先收服务费的多半是骗局。遇到欠薪请走正规渠道。#江陵警方#", ""),
        ("公众号", "关于2024年度拖欠农民工工资失信联合惩戒对象名单的公示：经审核，本年度我市无企业列入。", "公示"),
        ("公众号", "石坪镇司法所开展“法律进工地”活动，为一线工人讲解工资支付和维权知识，发放宣传资料三百余份。", "法律进工地"),
        ("公众号", "高新区管委会提示：园区各企业务必在春节前足额发放员工工资，如遇困难请及时与管委会联系。", "高新区温馨提示"),
    ]
    for plat, text, title in notices:
        T(rd(), plat, text, title=title, sig=False, cls=("notice",))

    recruit = [
        ("快手", "急招！城关工地木工10名，350一天，日结不拖欠，包吃住。电话139****5521"),
        ("微博", "江陵本地劳务公司招钢筋工、架子工，月结，工资银行代发，欢迎老乡加入 👷"),
        ("贴吧", "东湖镇厂房项目招电焊工2名，有证优先，工资面议"),
        ("公众号", "招聘：南港街道某项目部招资料员一名，要求熟悉实名制平台操作，五险一金。"),
        ("贴吧", "找活的看过来：桥西有个装修队缺油漆工，按天算钱，干完就结"),
        ("快手", "江陵招塔吊司机一名，持证上岗，月薪一万二，工资不拖欠"),
        ("抖音", "本人会开挖机，求江陵周边的活，价格好商量 🚜"),
        ("贴吧", "招小工，搬砖和灰，一天两百，工地在江陵城区，当天结账"),
        ("小红书", "江陵有没有招室内设计助理的？应届生，求内推🙏"),
    ]
    for plat, text in recruit:
        T(rd(), plat, text, sig=False, cls=("recruitment",))

    fiction = [
        ("微博", "电视剧《春天里的工地》第十二集：老周带着工友一路从县城追到省城讨薪，终于在除夕前拿到了工钱。看到这里我哭了"),
        ("论坛", "小说连载｜《塔吊之上》第三章：阿强坐在塔吊驾驶室里，看着整座城市的灯一盏盏亮起，想起老家的女儿……"),
        ("小红书", "电影《回家的路》讲一个包工头卖掉自家房子给工人发工资的故事，后劲好大"),
        ("抖音", "短剧推荐：霸总被欠薪农民工当面打脸，第五集太爽了 😂 #短剧"),
        ("微博", "重温小品《讨薪》，那句“血汗钱一分也不能少”现在听还是扎心"),
    ]
    for plat, text in fiction:
        T(rd(), plat, text, sig=False, cls=("fiction",))

    everyday = [
        ("微博", "这个月工资又晚发了三天，上班族的快乐就是发工资那天 😂"),
        ("小红书", "年终奖还没影，公司说要看明年效益，打工人太难了"),
        ("微博", "发工资了！先还花呗再说"),
        ("小红书", "老公在工地上干活，每个月十号准时发工资，今年总算安稳"),
        ("微博", "我们单位今年十三薪照发，知足了"),
        ("抖音", "工资到账短信一响，心情都好了 💰"),
        ("贴吧", "江陵的房价什么时候能降点，工资涨不过房价"),
        ("快手", "在工地干了十年，今年第一次一分钱没被拖，老板实在人 👍"),
        ("贴吧", "有人知道江陵哪里修手机便宜吗"),
        ("小红书", "南港街道那家羊肉汤真不错，冬天来一碗"),
        ("微博", "公司说这个月绩效工资下个月一起发，不知道靠不靠谱"),
        ("论坛", "我爸说他年轻时在工地上被欠过工钱，现在都实名制了，好多了"),
        ("论坛", "西岭镇几个村的集体经济今年收入不错，年底每户分了几百块"),
        ("贴吧", "半年前装修的房子，现在墙皮掉了，找装修公司还管不管？"),
        ("抖音", "江陵下雪啦❄️ 工地上的师傅们注意保暖"),
    ]
    for plat, text in everyday:
        T(rd(), plat, text, sig=False, cls=("everyday",))

    hypo = [
        ("贴吧", "想问问，如果在工地干活老板不给钱，是先找劳动局还是先报警？"),
        ("论坛", "万一过年前包工头跑了，我们这些人能找谁？提前做个准备"),
        ("微博", "要是被欠薪了怎么办？大家有经验的说说"),
        ("贴吧", "假如没签合同，只有微信聊天记录，能证明干过活吗"),
        ("论坛", "请教：在江陵的工地干活，万一被拖欠，打12345有用吗？"),
        ("小红书", "准备去东湖那边的工地干活，听说有的项目欠薪，进场前要注意什么？"),
        ("贴吧", "如果总包说钱给了劳务公司，劳务公司说没收到，工人该找谁"),
        ("快手", "马上要进场了，想先问问工资是月结还是年结，怕被拖"),
    ]
    for plat, text in hypo:
        T(rd(), plat, text, sig=False, cls=("hypothetical_advice",))

    other = [
        ("新闻", "云州市讯 近日，云州市一在建住宅项目二十余名工人聚集讨薪，当地人社部门已介入处理。", ("other_city", "news_dateline")),
        ("微博", "青川市城东安置房二期工地有人爬塔吊讨薪，青川住建回应正在处置 #青川#", ("other_city",)),
        ("头条", "临江市人社局督促某建筑公司为三十六名农民工支付拖欠工资八十余万元。", ("other_city", "news_dateline")),
        ("微博", "安平县一工地拖欠工资，工人拉横幅讨薪，县里成立专班处理", ("other_city",)),
        ("抖音", "外省某地包工头卷款跑路，四十多名工人工钱没着落 #欠薪", ("other_city",)),
        ("新闻", "临江市讯 临江市南港码头扩建工程近日发生欠薪纠纷，三十余名工人向当地人社部门反映被拖欠工资。", ("other_city", "news_dateline")),
        ("微博", "#云州讨薪# 云州高铁站配套工程的工友们，工资拿到了吗", ("other_city",)),
        ("快手", "刷到别的城市有人爬楼顶讨薪，太心酸了，希望都能拿到钱", ("other_city",)),
        ("头条", "临江市第一中学体育馆工地数十名工人堵门讨薪，临江市教育局称已督促施工方筹款。", ("other_city", "news_dateline")),
        ("新闻", "云州市滨湖大道改造项目部分工人反映被拖欠工资，云州市交通运输局表示将督促整改。", ("other_city", "news_dateline")),
        ("微博", "青川市河西大道改造工程拖欠工资一百二十万元，青川交通局正在协调 #青川#", ("other_city",)),
        ("头条", "安平县人民医院住院楼工地工人讨薪，安平县卫健委回应：已约谈施工单位。", ("other_city", "news_dateline")),
        ("新闻", "江陵建工集团在云州承建的商业项目被曝拖欠工人工资，云州市住建局已约谈企业负责人。", ("other_city", "city_in_company_name", "news_dateline")),
        ("论坛", "隔壁临江的标准厂房三期工地欠薪闹上新闻了，我们江陵的应该没事吧", ("other_city",)),
    ]
    for plat, text, cls in other:
        T(rd(), plat, text, sig=False, cls=cls)

    hometown = [
        ("贴吧", "我是江陵西岭人，在深圳工地干了一年，包工头欠我两万多跑了，怎么办"),
        ("微博", "江陵老乡在云州的工地被欠薪，老家的亲戚都在帮着转发"),
        ("论坛", "黄沟乡出去打工的人多，听说有几个在外省工地上被欠了工钱"),
        ("小红书", "从江陵去上海干装修的表弟说老板拖了三个月工资，在上海该找哪个部门？"),
    ]
    for plat, text in hometown:
        T(rd(), plat, text, sig=False, cls=("hometown_elsewhere", "other_city"))

    fig = [
        ("微博", "我的快乐被生活拖欠了好久，什么时候能结清 😂"),
        ("小红书", "追剧追到凌晨，睡眠被欠薪了"),
        ("抖音", "感觉自己在给猫打工，猫粮按时发，我的工资全上交了 🐱"),
        ("微博", "讨薪不如讨个好心情，周末愉快"),
    ]
    for plat, text in fig:
        T(rd(), plat, text, sig=False, cls=("everyday",))

    festival = [
        ("快手", "还有一个多月过年，工地上的老乡们都在算什么时候回家买票"),
        ("微博", "春运抢票攻略来了，江陵站今年加开了几趟车 #春运#"),
        ("抖音", "工地食堂今天包饺子了，提前过个小年 🥟"),
        ("小红书", "年底了，工地上的师傅们陆续回家，祝大家一路平安"),
        ("微博", "过年回家的票买到了！三年没回家了，爸妈等着呢"),
    ]
    for plat, text in festival:
        T(rd(), plat, text, sig=False, cls=("festival_only",))

    local_news = [
        ("新闻", "江陵市今冬首场降雪，各在建工地落实防冻防滑措施，市住建局开展安全巡查。", "今冬首场降雪"),
        ("头条", "市住建局开展冬季安全生产大检查，共检查在建项目四十余个，下达整改通知书九份。", "冬季安全生产大检查"),
        ("新闻", "高新区新签约两个智能制造项目，总投资十二亿元。", "高新区新签约项目"),
        ("头条", "南港街道举办“家门口就业”招聘会，提供岗位六百余个。", "家门口就业招聘会"),
        ("新闻", "江陵市公安局开展冬季治安巡逻，工地周边增加巡逻频次。", "冬季治安巡逻"),
    ]
    for plat, text, title in local_news:
        T(rd(), plat, text, title=title, sig=False, cls=("news_dateline",))

    # reposts of a few non-signal posts (one story each)
    pool = [it for it in ITEMS if it["kind"] == "post" and not it["label"]["signal"] and it["label"]["project"] is None
            and it["platform"] == "微博"]
    for orig in rng.sample(pool, 6):
        d = orig["at"].date() + dt.timedelta(days=rng.randint(0, 1))
        if d > AS_OF:
            d = AS_OF
        RP(f"{d.month}-{d.day:02d}", orig, rng.choice(["转发", "马一下", "转给需要的人", "有用", "转发微博", "👍"]),
           author=rng.choice(["江陵小何同学", "城关街坊", "老城根下", "南港夜猫子", "桥西小透明"]))

    # November posts (before the window)
    T("11-06", "微博", "十一月了，工地上已经有人开始问年底结账的事了", author="搬砖的小王", sig=False, cls=("everyday",))
    T("11-19", "头条", "市根治欠薪工作领导小组部署冬季专项行动，排查时间为11月20日至次年1月31日。", title="冬季专项行动部署", author="江陵新闻网",
      sig=False, cls=("notice",))
    T("11-27", "贴吧", "在江陵哪个工地干活不拖钱？求推荐", author="准备进厂的小伙", sig=False, cls=("everyday",))


def petition_noise_items():
    # consultations (not signals)
    P(rd(2, 16), "hotline", "来电人咨询：在工地干活没有签合同，如果被拖欠工资应如何维权。已告知相关政策及投诉渠道。", title="咨询欠薪维权途径",
      ppl=1, sig=False, cls=("hypothetical_advice",))
    P(rd(2, 16), "hotline", "来电人咨询施工总承包单位工资保证金的存储标准和使用规定。已解答。", title="咨询工资保证金", ppl=1, sig=False,
      cls=("law_explainer",))
    P(rd(3, 28), "online", "请问农民工工资专用账户由谁开设？总包还是建设单位？", title="咨询工资专户", ppl=1, sig=False,
      cls=("hypothetical_advice",))
    P(rd(2, 16), "hotline", "来电人咨询春节前用工单位是否必须结清农民工工资，以及节后返岗的工资怎么算。已解答。", title="咨询春节前工资结清",
      ppl=1, sig=False, cls=("hypothetical_advice", "festival_only"))
    P(rd(3, 28), "visit", "来访人咨询劳动仲裁的申请流程和所需材料，工作人员现场解答并发放告知书。", title="咨询劳动仲裁流程", ppl=1,
      sig=False, st="closed", closed=None, cls=("hypothetical_advice",))
    P(rd(3, 16), "hotline", "来电人咨询：准备进场的工地没有实名制考勤，会不会影响以后讨薪？", title="咨询实名制", ppl=1, sig=False,
      cls=("hypothetical_advice",))
    P(rd(3, 28), "online", "建议在各大工地门口统一设置欠薪维权公示牌，方便工人知道找谁。", title="关于设置维权公示牌的建议", ppl=1, sig=False,
      cls=("notice",))
    # other city, from Jiangling people
    P(rd(2, 16), "hotline", "来电人反映在云州市某工地被拖欠工资两万元，来电人为江陵人。已告知向云州市劳动保障监察部门反映。",
      title="外地工地欠薪", ppl=1, amt=20000, sig=False, cls=("other_city", "hometown_elsewhere"))
    P(rd(3, 28), "online", "本人江陵人，在临江市一工地干活被欠薪，能不能请江陵的部门帮忙协调？", title="在临江被欠薪", ppl=1, sig=False,
      cls=("other_city", "hometown_elsewhere"))
    P(rd(2, 16), "hotline", "来电人称其丈夫在外省某工地被拖欠工资，希望江陵这边帮忙联系。已告知向务工地反映。", title="外省工地欠薪求助", ppl=1,
      sig=False, cls=("other_city", "claimant_role"))
    P(rd(3, 28), "letter", "信访人来信反映其在青川市城东安置房二期工地务工被拖欠工资，请求江陵市协调。经核实，该项目不在本市，已告知向青川市反映。",
      title="反映青川市工地欠薪", ppl=1, sig=False, cls=("other_city",))
    # resolved, thanks
    P(rd(3, 16), "hotline", "来电人表示上月反映的工钱已由包工头付清，感谢热线帮助，申请结案。", title="工钱已付清 申请结案", ppl=1, sig=False,
      res=True, cls=("resolved",))
    P(rd(3, 28), "online", "感谢东湖镇劳动保障所，我们班组被拖欠的工资已经全部领到了，特此致谢。", title="感谢信", ppl=1, sig=False, res=True,
      cls=("resolved",))
    P(rd(3, 28), "letter", "信访人来信致谢，称其子在南港码头扩建工程的工资问题经港航公司协调已全部结清。", title="致谢信", ppl=1, sig=False,
      res=True, proj="Q-021", cls=("resolved", "informal_project_name"))
    # not a wage case
    P(rd(3, 28), "hotline", "来电人反映城关街道某工地夜间施工噪音扰民。已转城管部门。", title="工地夜间施工噪音", ppl=1, sig=False,
      cls=("everyday",))
    P(rd(3, 28), "online", "反映桥西街道某工地渣土车撒漏，路面脏乱。", title="渣土车撒漏", ppl=1, sig=False, cls=("everyday",))
    # November, generic, closed
    P("11-11", "hotline", "来电人反映在一工地干零活，包工头拖欠工钱两千元。", title="零工工钱", ppl=1, amt=2000, st="closed",
      closed="11-18 10:00", cls=("generic_site",))
    P("11-26 10:30", "visit", "来访人反映其在一装修工地的工资四千五百元被拖欠，已协调当场支付。", title="装修工地欠薪", ppl=1, amt=4500,
      st="closed", closed="11-26 16:00", sig=False, res=True, cls=("resolved",))


def extra_items():
    """More stories and echoes, so the feed has the volume of a real month."""
    def find(proj, plat, start):
        return next(i for i in ITEMS if i["label"]["project"] == proj and i["kind"] == "post" and i["platform"] == plat
                    and i["content"].startswith(start))
    RP("12-07 21:10", find("Q-031", "微博", "孩子将来"), "心疼师傅们，学校是给孩子盖的，钱不能欠", author="城关街坊")
    RP("12-12 20:45", find("Q-014", "微博", "井下干一天"), "西岭的矿工太不容易了", author="西岭小伙")
    RP("12-13 22:05", find("Q-034", "微博", "#石坪镇#"), "转发", author="石平土著")
    RP("12-09 19:30", find("Q-019", "微博", "北塘幸福家园"), "搬运一下，希望镇上看到", author="北塘老表", platform="抖音")
    RP("12-10 13:05", find("Q-026", "微博", "南港棚改工地的工人集体讨薪"), "南港棚改又是这样", author="南港土著")
    RP("12-14 13:00", find("Q-015", "抖音", "市医院新楼"), "人民医院住院楼那边，希望人没事", author="城关热心市民", platform="微博")
    T("12-09", "论坛", "黄沟通村路修完了，修路的钱说是还没拨下来，村里帮工的工钱就一直挂着。有没有人知道该找交通局还是乡里？",
      title="黄沟通村路帮工的工钱", author="黄沟老幺", proj="Q-036", cls=("boss_blames_project_payment", "informal_project_name"))
    T("12-06", "贴吧", "滨湖大道十几个修路的工人今天一起去了信访局，说是工资拖了四个月", title="滨湖大道工人去信访局", author="桥西老街坊",
      proj="Q-007", esc=True, cls=("collective_action",))
    T("12-05", "微博", "一中新教学楼工地工资的事，教育局说已经登记在册了，答应年前先付一部分。#江陵一中#", author="一中家长", proj="Q-003",
      cls=("informal_project_name", "festival_only"))
    T("12-17", "论坛", "西岭煤矿的井下改造是外包的，矿上说工资归劳务公司发，劳务公司说矿建公司没给钱，踢皮球踢到年底了", title="西岭煤矿改造工钱踢皮球",
      author="矿灯下的光", proj="Q-014", cls=("boss_blames_project_payment", "informal_project_name"))
    T("12-20", "贴吧", "二期安置房（滨港佳苑）现在还有人在干活吗？我们瓦工组的钱还没结，去项目部问也没人理", title="滨港佳苑瓦工组的钱",
      author="瓦工小卢", proj="Q-002", cls=("informal_project_name",))
    T("11-28", "贴吧", "城北污水厂二期十月的工资还没发，下个月再不发就两个月了", author="北塘水电工", proj="Q-013",
      cls=("informal_project_name",))
    T("11-20", "微博", "翠湖湾三期的水电班组两个月没拿到工资了，开发商说在回款", author="东湖水电工", proj="Q-046",
      cls=("informal_project_name", "boss_blames_project_payment"))
    T("11-25", "贴吧", "桥西老旧小区改造工地欠工资，立信劳务的人说等街道验收", author="桥西管道工", proj="Q-040",
      cls=("informal_project_name", "boss_blames_project_payment"))
    T("11-29", "快手", "南港安置二期 十月的工资 还没动静", author="木工老吴", proj="Q-002", cls=("informal_project_name",))
    T("12-11", "微博", "今天去人社局问了，他们说欠薪的事可以先打12345登记。顺便说一句，工作人员态度挺好。", author="江陵小何同学", sig=False,
      cls=("everyday",))
    T(rd(), "公众号", "如何查询自己的工资是否通过专户发放？登录“江陵人社”小程序—实名制查询，输入身份证号即可查看每月代发记录。",
      title="教你查工资代发记录", author="江陵人社", sig=False, cls=("notice", "law_explainer"))
    T(rd(), "头条", "法官提醒：讨薪要走法律途径，切勿采取过激方式。爬高、堵路、围堵政府机关等行为，可能被依法追究责任。", title="法官提醒：依法讨薪",
      author="江陵法院", sig=False, cls=("law_explainer",))
    T(rd(), "微博", "临江那边又有工人爬塔吊了，新闻底下评论都在骂包工头", author="江陵吐槽君", sig=False, cls=("other_city",))
    T(rd(), "新闻", "江陵路桥建设有限公司在临江承建的道路项目被曝欠薪，临江市交通部门已介入。", author="临江晚报", sig=False,
      cls=("other_city", "city_in_company_name", "news_dateline"))
    T(rd(), "头条", "云州市一安置房项目二期工地欠薪，五十余名工人聚集在项目部门口讨要工资，云州市住建局连夜协调。", author="云州新闻",
      sig=False, cls=("other_city", "news_dateline"))
    T(rd(), "贴吧", "假如包工头拿了钱不发，写欠条有用吗？我朋友要进场了先问问", author="准备进厂的小伙", sig=False,
      cls=("hypothetical_advice",))
    T(rd(), "小红书", "如果在工地受伤了，老板不给工资也不给医药费，应该先做什么？收藏备用", author="江陵装修日记", sig=False,
      cls=("hypothetical_advice",))
    T("12-31 09:20", "快手", "今天腊月初一，工地上的老乡都在盼着早点放假回家 🧧", author="江陵搬砖人", sig=False, cls=("festival_only",))
    T(rd(), "微博", "单位食堂今天有红烧肉，这个月的幸福感全靠它了", author="江陵路人", sig=False, cls=("everyday",))
    T(rd(), "抖音", "江陵夜景 | 南港大桥的灯亮了 ✨", author="随手拍江陵", sig=False, cls=("everyday",))
    T(rd(), "论坛", "东湖镇今年新开了好几个厂，招工的多了，工资也比往年高一点", title="东湖镇招工多了", author="东湖镇民", sig=False,
      cls=("everyday",))
    T(rd(), "公众号", "黄沟乡召开村集体经济发展大会，总结今年光伏收益分配情况。", title="黄沟乡村集体经济发展大会", author="黄沟乡人民政府",
      sig=False, cls=("notice", "compound_word"))
    T(rd(), "贴吧", "半年前在东湖干过一个工地，那时候工资都是按月打卡上的，挺规矩", author="东湖镇民", sig=False,
      cls=("everyday", "compound_word"))
    T(rd(), "微博", "刚看了个纪录片，讲城市建设者的，里面一个老师傅说“盖了一辈子楼，没有一套是自己的”，破防了", author="江陵文艺青年",
      sig=False, cls=("fiction",))
    T(rd(5, 20), "抖音", "在江陵城区一个工地上干了三个月，老板天天说下个月发，下个月又下个月 😓 #江陵", author="阿坤在工地",
      cls=("generic_site",))
    T(rd(5, 20), "论坛", "在江陵干装修的兄弟们，年底了你们的钱都结了吗？我这边老板拖了两个月了", title="年底了钱结了吗", author="油漆工小白",
      cls=("generic_site", "festival_only"))


# =========================================================================== ledgers
ACTIVE = [pid for pid, r in REG.items() if r["status"] == "active"]

# Designed rows that are not a plain 无欠薪. Amounts in yuan.
#   pid: {period: dict(...)}
ARREARS = {
    "Q-003": {"2024-11": dict(type="wage", workers=16, owed=420000, paid=100000, since="2024-09-15", resolved="no", unit="江陵德润劳务有限公司"),
              "2024-12": dict(type="wage", workers=16, owed=420000, paid=260000, since="2024-09-15", resolved="no", unit="江陵德润劳务有限公司")},
    "Q-007": {"2024-11": dict(type="wage", workers=38, owed=1150000, paid=300000, since="2024-08-01", resolved="no", unit="江陵广源劳务有限公司"),
              "2024-12": dict(type="wage", workers=38, owed=1150000, paid=450000, since="2024-08-01", resolved="no", unit="江陵广源劳务有限公司")},
    "Q-013": {"2024-11": dict(type="wage", workers=12, owed=360000, paid=0, since="2024-10-01", resolved="no", unit="江陵水利水电工程有限公司"),
              "2024-12": dict(type="wage", workers=12, owed=360000, paid=0, since="2024-10-01", resolved="no", unit="江陵水利水电工程有限公司")},
    "Q-015": {"2024-12": dict(type="wage", workers=27, owed=870000, paid=0, since="2024-10-01", resolved="no", unit="江陵安泰劳务有限公司")},
    "Q-023": {"2024-11": dict(type="project_payment", workers=2, owed=520000, paid=200000, since="2024-08-01", resolved="no", unit="江陵水利水电工程有限公司"),
              "2024-12": dict(type="project_payment", workers=2, owed=520000, paid=350000, since="2024-08-01", resolved="no", unit="江陵水利水电工程有限公司")},
    "Q-026": {"2024-11": dict(type="wage", workers=22, owed=640000, paid=150000, since="2024-06-20", resolved="no", unit="江陵新城建设有限公司"),
              "2024-12": dict(type="wage", workers=22, owed=640000, paid=320000, since="2024-06-20", resolved="no", unit="江陵新城建设有限公司")},
    "Q-033": {"2024-12": dict(type="wage", workers=9, owed=230000, paid=0, since="2024-11-01", resolved="no", unit="江陵鑫盛劳务有限公司")},
    "Q-035": {"2024-11": dict(type="wage", workers=5, owed=88000, paid=88000, since="2024-10-01", resolved="yes", resolved_on="2024-11-22", unit="江陵和顺劳务有限公司")},
    "Q-039": {"2024-12": dict(type="wage", workers=6, owed=145000, paid=40000, since="2024-11-01", resolved="no", unit="江陵恒信劳务有限公司")},
    "Q-040": {"2024-11": dict(type="wage", workers=11, owed=260000, paid=50000, since="2024-09-01", resolved="no", unit="江陵立信劳务有限公司"),
              "2024-12": dict(type="wage", workers=11, owed=260000, paid=260000, since="2024-09-01", resolved="yes", resolved_on="2024-12-03", unit="江陵立信劳务有限公司")},
    "Q-046": {"2024-11": dict(type="wage", workers=14, owed=380000, paid=120000, since="2024-09-01", resolved="no", unit="江陵立信劳务有限公司"),
              "2024-12": dict(type="wage", workers=14, owed=380000, paid=380000, since="2024-09-01", resolved="yes", resolved_on="2024-12-04", unit="江陵立信劳务有限公司")},
    "Q-049": {"2024-11": dict(type="wage", workers=8, owed=196000, paid=0, since="2024-09-01", resolved="no", unit="江陵恒信劳务有限公司"),
              "2024-12": dict(type="wage", workers=8, owed=196000, paid=196000, since="2024-09-01", resolved="yes", resolved_on="2024-12-06", unit="江陵恒信劳务有限公司")},
}
COMMITMENT = {"Q-002", "Q-019", "Q-031",            # contradicts_commitment
              "Q-016", "Q-017", "Q-009", "Q-050",   # traps: private / resolved-only / non-wage
              "Q-045", "Q-048", "Q-052", "Q-005"}   # quiet projects
MISSING = {("Q-036", "2024-12")}                     # no December row at all

REPORT_COLS = ["report_id", "department", "period", "project_id", "project_name", "status", "arrears_type", "workers",
               "amount_owed", "amount_paid", "since", "resolved", "resolved_on", "responsible_unit", "responsible_person",
               "commitment", "filed_on"]

def build_ledgers():
    depts = sorted({REG[p]["department"] for p in ACTIVE})
    filed = {
        "2024-11": {d: dt.date(2024, 12, 2) + dt.timedelta(days=rng.randint(0, 4)) for d in depts},
        "2024-12": {d: dt.date(2024, 12, 28) + dt.timedelta(days=rng.randint(0, 3)) for d in depts},
    }
    persons = {}
    ledgers = {}
    for period in ("2024-11", "2024-12"):
        rows = []
        n = 0
        for pid in sorted(ACTIVE, key=lambda p: (REG[p]["department"], p)):
            if (pid, period) in MISSING:
                continue
            n += 1
            r = REG[pid]
            row = dict.fromkeys(REPORT_COLS, "")
            row.update(report_id=f"JL-{period.replace('-', '')}-{n:03d}", department=r["department"], period=period,
                       project_id=pid, project_name=r["name"], filed_on=filed[period][r["department"]].isoformat())
            a = ARREARS.get(pid, {}).get(period)
            if a:
                if pid not in persons:
                    persons[pid] = person()
                row.update(status="arrears", arrears_type=a["type"], workers=a["workers"], amount_owed=a["owed"],
                           amount_paid=a["paid"], since=a["since"], resolved=a["resolved"],
                           resolved_on=a.get("resolved_on", ""), responsible_unit=a["unit"],
                           responsible_person=persons[pid])
            else:
                row.update(status="none", commitment="yes" if pid in COMMITMENT else "")
            rows.append(row)
        ledgers[period] = rows
    return ledgers


# =========================================================================== design (expected flags)
DESIGN = {
    "Q-002": (["underreported", "contradicts_commitment"], "滨港佳苑 (南港安置房二期): 7 petitions and 10 posts (3 of them one story) about unpaid wages of "
              "several 班组 from 12-04; 市住建局 reported 无欠薪 with a 无欠薪承诺书 for Nov and Dec. No collective action in any text, petitions ≤4 people."),
    "Q-019": (["underreported", "contradicts_commitment"], "北塘幸福家园 / 搬迁安置点 (北堂 typo): wage petitions and posts from 12-03; 市发改委 reported 无欠薪 + 承诺书."),
    "Q-031": (["underreported", "contradicts_commitment"], "实验小学新校区 / 实小迁建: wage petitions and posts from 12-05; 市教育局 reported 无欠薪 + 承诺书."),
    "Q-014": (["underreported"], "西岭煤矿 (coal_mine, state): miners' wages unpaid, petitions and posts from 12-06; 市能源局 reported 无欠薪, no commitment."),
    "Q-036": (["underreported"], "黄沟/黄构 通村路: villagers' wages unpaid from 12-05; 市交通运输局 filed 无欠薪 for Nov and NO December row (missing)."),
    "Q-034": (["underreported"], "石坪/石平 卫生院: wage petitions and posts from 12-04; 市卫健委 reported 无欠薪, no commitment."),
    "Q-007": (["escalating"], "滨湖大道: 18-person collective visit (12-06), gathering at the project office, banners, road blocked (12-28); "
              "市交通运输局 reports open wage arrears (paid 300k -> 450k), so not underreported and not stale."),
    "Q-017": (["escalating"], "东湖天樾/天樾广场: worker climbed a tower crane threatening to jump (12-16), 6-person visit; private project, so "
              "no underreported (and its 承诺书 does not make contradicts_commitment)."),
    "Q-015": (["escalating"], "人民医院住院楼: 7-person visit (12-05), threat to jump from the roof (12-13), a man on the roof (12-14), signs at 卫健委 (12-21); "
              "Dec row reports open wage arrears (Nov row was 无欠薪)."),
    "Q-026": (["escalating"], "南港棚改: 12-person visit, 集体讨薪 at the street office, 举牌, gate blocked; 住建局 reports open wage arrears (paid 150k -> 320k)."),
    "Q-013": (["stale_followup"], "城北污水厂二期: ledger arrears row open in Nov and Dec with the same unpaid amount (360,000 owed, 0 paid). "
              "Wage posts in the window are covered by the open arrears row (not underreported)."),
    "Q-029": (["stale_followup"], "妇幼保健院新院: letter received 2024-09-26, still 'handling' with no closed_at: past 60 days by either reading "
              "(calendar deadline 11-25, 60 working days 12-24). No signal inside the window (a November post only), so not underreported."),
    "Q-047": (["stale_followup"], "石坪菜市场: 12345 work order received 2024-11-18, still 'assigned': 15 working days ran out 12-09. No signal in the window."),
    "Q-046": (["recurrence"], "翠湖湾三期 (private): Dec row arrears resolved=yes, resolved_on 2024-12-04; wage petitions/posts again from 12-12. "
              "Private, so no underreported."),
    "Q-040": (["recurrence", "underreported"], "桥西老旧小区改造: Dec row resolved_on 2024-12-03, wage signals again from 12-12. Also underreported by the "
              "letter of the rule: sensitive, wage signals in the window, and the department's latest row shows no OPEN wage arrears "
              "(resolved). If the register reads 'reported: arrears' (a resolved row) as reporting, drop underreported here."),
    "Q-049": (["recurrence", "underreported"], "三中宿舍楼: Dec row resolved_on 2024-12-06, wage signals again from 12-15. Underreported as for Q-040 "
              "(same judgment call)."),
    "Q-018": (["non_wage_dispute"], "西岭农村公路: sand/cement suppliers and a roller lessor owed 材料款/货款/台班费 ('工人等着发工资', one titled "
              "农民工工资); 市交通运输局 reported 无欠薪. Every signal is a project payment: not underreported."),
    "Q-050": (["non_wage_dispute"], "江石公路: machinery lessors, a truck fleet and a formwork lessor owed 租赁费/台班费/租金 (one titled 拖欠农民工工资); "
              "无欠薪 + 承诺书, still not underreported or contradicts_commitment."),
    "Q-012": (["non_wage_dispute"], "北塘农贸市场: subcontractor bosses owed 工程结算款/工程款 who 'cannot pay their workers'; 商务局 reported 无欠薪."),
    "Q-037": (["non_wage_dispute"], "黄沟水库加固: concrete plant and quarry owed 混凝土款/石料款; 水务局 reported 无欠薪."),
    # traps (no flag)
    "Q-016": ([], "锦江府: private project with real wage signals (≤4 people, no collective action): no flag."),
    "Q-003": ([], "一中改扩建: wage signals, but 市教育局 reports open wage arrears (paid 100k -> 260k, so not stale). An open petition of 11-25 "
              "is within its 60 days."),
    "Q-039": ([], "二院门诊楼: wage signals; Dec row reports open wage arrears."),
    "Q-033": ([], "城北二期安置房: wage signals; Dec row reports open wage arrears."),
    "Q-009": ([], "城关老旧小区改造: only resolved items (thanks, 锦旗, 结清 notice) and everyday chat; 无欠薪 + 承诺书: no flag."),
    "Q-001": ([], "南港安置房一期 (completed, no rows): one resolved post names 一期; the '南港安置房' signals without a phase are ambiguous "
              "(Q-001/Q-002) and must not be attributed."),
    "Q-004": ([], "一中体育馆: only a denial (经核查不存在) and its echo; other-city 临江市第一中学体育馆 protest is not it; '一中工地' is ambiguous."),
    "Q-035": ([], "石坪小学教学楼: Nov arrears row resolved 11-22 and a closed Nov petition, nothing after: no recurrence."),
    "Q-021": ([], "南港码头: other-city 临江市南港码头 news, everyday post, a thank-you letter: no signal."),
    "Q-011": ([], "会展中心: noise, festival (年货) and completion news only."),
    "Q-005": ([], "东湖中心学校: statistics notice and news only."),
    "Q-027": ([], "标准厂房三期: hypothetical question only; '高新区标准厂房' without 三期/四期 is ambiguous; 临江's 三期 is another city."),
    "Q-038": ([], "标准厂房四期: hypothetical question only."),
    "Q-020": ([], "职院实训楼: recruitment ads only."),
    "Q-042": ([], "文化中心/城市客厅: wage-account 公示 and a joke only."),
    "Q-044": ([], "西岭安置小区配套: 温馨提示 notice only."),
    "Q-008": ([], "桥西大桥: wages paid on time, bridge closed the gap: no signal."),
    "Q-023": ([], "东湖水厂: ledger has an open project_payment row (paid 200k -> 350k, not stale); no signals."),
    "Q-041": ([], "东湖幼儿园: a closed November petition only; '东湖镇学校工地' is ambiguous."),
    "Q-052": ([], "城关社区卫生服务中心: a closed November petition only."),
    "Q-030": ([], "北塘敬老院: festival notice only."),
    "Q-022": ([], "档案馆新馆 (suspended, no rows): 复工 news only."),
    "Q-006": ([], "西岭卫生院: one resolved post in traditional characters."),
    "Q-010": ([], "湿地公园 (completed): everyday post."),
    "Q-024": ([], "全民健身中心 (completed, no rows): named in a 住建局 work report (statistics) only."),
    "Q-028": ([], "西岭光伏电站 (completed, no rows): named in a township work-meeting report only; '光伏扶贫电站' is ambiguous (Q-028/Q-051)."),
}
for pid in REG:
    DESIGN.setdefault(pid, ([], None))


def build_items():
    underreported_items()
    escalating_items()
    stale_items()
    recurrence_items()
    non_wage_items()
    no_flag_items()
    ambiguous_items()
    unregistered_items()
    generic_items()
    noise_items()
    petition_noise_items()
    extra_items()


# =========================================================================== finalize items
PLATFORM_HOST = {"微博": ("weibo", "weibo.example.invalid"), "抖音": ("douyin", "www.douyin.example.invalid"),
                 "贴吧": ("tieba", "tieba.example.invalid"), "论坛": ("bbs", "bbs.jiangling.example.invalid"),
                 "头条": ("toutiao", "www.toutiao.example.invalid"), "新闻": ("news", "news.jiangling.example.invalid"),
                 "公众号": ("mp", "mp.weixin.example.invalid"), "快手": ("kuaishou", "www.kuaishou.example.invalid"),
                 "小红书": ("xhs", "www.xiaohongshu.example.invalid")}
HANDLES = ["江陵路人", "城关街坊", "东湖镇民", "桥西随手拍", "南港小满", "北塘老表", "西岭山里人", "黄沟老幺", "石坪阿华", "江陵搬砖人",
           "江陵发布观察", "老城根下", "江陵吐槽君", "有车一族", "慢慢走的喵"]

def fmt_local(t):
    return t.strftime("%Y-%m-%d %H:%M")

def finalize():
    pets = sorted([i for i in ITEMS if i["kind"] == "petition"], key=lambda i: i["at"])
    posts = sorted([i for i in ITEMS if i["kind"] == "post"], key=lambda i: i["at"])
    daily = Counter()
    used = set()
    for it in pets:
        ch, at = it["channel"], it["at"]
        day = at.strftime("%Y%m%d")
        if ch in ("visit", "letter"):
            daily[(ch, day)] += 1
            pid = f"{'LF' if ch == 'visit' else 'LX'}-{day}-{daily[(ch, day)]:02d}"
        elif ch == "online":
            while True:
                pid = f"WX-{day}-{rng.randint(100, 9999):04d}"
                if pid not in used:
                    break
        elif ch == "hotline":
            while True:
                pid = f"12345-{day}-{rng.randint(10, 2999):04d}"
                if pid not in used:
                    break
        else:
            daily[("platform",)] += 1
            pid = f"XS-2024-{3100 + daily[('platform',)] * 7:05d}"
        assert pid not in used
        used.add(pid)
        it["id"] = pid
        # status / closed_at: open cases never outlive their deadline unless designed so
        lab = it["label"]
        if it["status"] is None:
            if ch in ("hotline", "platform"):
                if at.date() < dt.date(2024, 12, 17):
                    it["status"] = "closed"
                else:
                    it["status"] = rng.choice(["received", "assigned", "handling"])
            else:
                if at.date() < dt.date(2024, 11, 5):
                    it["status"] = "closed"
                elif at.date() <= dt.date(2024, 12, 20) and rng.random() < 0.2:
                    it["status"] = "closed"
                else:
                    it["status"] = rng.choice(["received", "assigned", "handling", "handling"])
        if it["status"] == "closed":
            if it["closed"] is None:
                c = at + dt.timedelta(days=rng.randint(0, 5), hours=rng.randint(2, 6))
                c = min(c, dt.datetime(2024, 12, 31, 17, 30, tzinfo=TZ))
                it["closed_at"] = c
            else:
                it["closed_at"] = _when(it["closed"])
            assert it["closed_at"] > at, (it["id"], it["content"][:20])
        else:
            it["closed_at"] = None
        if it["unit"] is None and it["status"] != "received":
            if lab["project"]:
                it["unit"] = REG[lab["project"]]["department"]
            elif lab["signal"]:
                it["unit"] = rng.choice(["市人社局", "市劳动保障监察支队"])
            else:
                it["unit"] = "12345热线"
        it["petitioner"] = None if it["anon"] else person()
        it["phone"] = None if it["anon"] else phone()
    counters = Counter()
    for it in posts:
        short, host = PLATFORM_HOST[it["platform"]]
        counters[short] += 1
        n = counters[short]
        it["id"] = f"{short}-{24120000 + n * 13 + rng.randint(0, 9)}"
        it["link"] = f"https://{host}/{short}/{it['id'].split('-')[1]}"
        if it["author"] is None:
            it["author"] = rng.choice(HANDLES)
        t = it["title"]
        if not t:     # RSSHub-style: the first words of the text
            plain = it["content"].replace("\n", " ")
            t = plain if len(plain) <= 28 else plain[:28] + "…"
        it["rss_title"] = t
    ids = [i["id"] for i in ITEMS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    return pets, posts


# =========================================================================== writers
def write_reports(ledgers):
    for period, rows in ledgers.items():
        with open(os.path.join(HERE, f"reports-{period}.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=REPORT_COLS)
            w.writeheader()
            for r in rows:
                w.writerow(r)

def write_petitions(pets):
    with open(os.path.join(HERE, "petitions.ndjson"), "w", encoding="utf-8") as f:
        for it in pets:
            rec = {"id": it["id"], "channel": it["channel"]}
            # mix the two accepted forms of a time
            rec["received_at"] = it["at"].isoformat() if it["channel"] == "online" else fmt_local(it["at"])
            if it["title"]:
                rec["title"] = it["title"]
            rec["content"] = it["content"]
            for k in ("respondent", "location", "people", "amount", "petitioner", "phone"):
                key = {"respondent": "respondent", "location": "location"}.get(k, k)
                if it.get(key) is not None:
                    rec[k] = it[key]
            rec["status"] = it["status"]
            if it["unit"]:
                rec["handling_unit"] = it["unit"]
            if it["closed_at"]:
                rec["closed_at"] = it["closed_at"].isoformat() if it["channel"] == "online" else fmt_local(it["closed_at"])
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")

def write_posts(posts):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0">',
           '  <channel>',
           '    <title>江陵舆情聚合 - 工资/讨薪/欠薪 关键词</title>',
           '    <link>https://rsshub.example.invalid/jiangling/keyword/qianxin</link>',
           '    <description>RSSHub 聚合的江陵本地微博、抖音、贴吧、论坛、头条、新闻、公众号、快手、小红书（生成数据，人物与单位均为虚构）</description>',
           '    <language>zh-cn</language>',
           f'    <lastBuildDate>{email.utils.format_datetime(dt.datetime(2024, 12, 31, 23, 50, tzinfo=TZ))}</lastBuildDate>']
    for i, it in enumerate(posts):
        body = it["content"]
        if i % 3 == 0 and "]]>" not in body:
            desc = "<![CDATA[<p>" + body.replace("\n", "<br>") + "</p>]]>"
        else:
            desc = escape(body)
        out += ['    <item>',
                f'      <title>{escape(it["rss_title"])}</title>',
                f'      <description>{desc}</description>',
                f'      <link>{escape(it["link"])}</link>',
                f'      <guid isPermaLink="false">{it["id"]}</guid>',
                f'      <pubDate>{email.utils.format_datetime(it["at"])}</pubDate>',
                f'      <author>{escape(it["author"])}</author>',
                f'      <category>{it["platform"]}</category>',
                '    </item>']
    out += ['  </channel>', '</rss>', '']
    with open(os.path.join(HERE, "posts.xml"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))

def write_labels(pets, posts):
    with open(os.path.join(HERE, "labels.ndjson"), "w", encoding="utf-8") as f:
        for it in sorted(pets + posts, key=lambda i: i["at"]):
            rec = {"id": it["id"], "kind": it["kind"],
                   "channel": it["channel"] if it["kind"] == "petition" else it["platform"],
                   "at": it["at"].isoformat(), "title": it.get("title", ""), "content": it["content"],
                   "respondent": it.get("respondent"), "location": it.get("location"), "people": it.get("people"),
                   "repost_of": it["repost_of"]["id"] if it.get("repost_of") else None,
                   "label": it["label"]}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


# =========================================================================== the designed answer, re-derived
ESC_WORDS = ["聚集", "围堵", "堵路", "堵门", "堵了", "横幅", "举牌", "牌子", "集体讨薪", "集体上访", "集体访", "爬塔吊", "爬上",
             "塔吊上", "楼顶", "跳楼", "跳下", "轻生", "扬言", "自杀", "寻短见", "同归于尽", "一起去", "围了"]

def in_window(d):
    return WIN_START <= d <= AS_OF

def evaluate(ledgers):
    """Flags from the item labels, the ledgers and register.yaml's numbers (my reading of formats.md s.5)."""
    rows = {p: {r["project_id"]: r for r in rs if r["filed_on"] <= AS_OF.isoformat()} for p, rs in ledgers.items()}
    out, info = {}, {}
    for pid in REG:
        mine = [i for i in ITEMS if i["label"]["project"] == pid]
        sigs = [i for i in mine if i["label"]["signal"] and in_window(i["at"].date())]
        wage = [i for i in sigs if i["label"]["claim"] == "wage"]
        pp = [i for i in sigs if i["label"]["claim"] == "project_payment"]
        dec = rows["2024-12"].get(pid)
        nov = rows["2024-11"].get(pid)
        reported = "missing" if dec is None else dec["status"]
        open_wage = dec is not None and dec["status"] == "arrears" and dec["arrears_type"] == "wage" and dec["resolved"] != "yes"
        flags = []
        if sensitive(pid) and wage and not open_wage:
            flags.append("underreported")
            if dec is not None and dec["status"] == "none" and dec["commitment"] == "yes":
                flags.append("contradicts_commitment")
        if any(i["label"]["escalation"] for i in sigs):
            flags.append("escalating")
        stale = False
        for i in mine:
            if i["kind"] == "petition" and i["status"] != "closed":
                wd, cd = petition_deadlines(i["channel"], i["at"].date())
                if wd < AS_OF and cd < AS_OF:
                    stale = True
        if nov and dec and nov["status"] == dec["status"] == "arrears" and nov["resolved"] != "yes" and dec["resolved"] != "yes" \
                and int(nov["amount_owed"]) - int(nov["amount_paid"] or 0) == int(dec["amount_owed"]) - int(dec["amount_paid"] or 0):
            stale = True
        if stale:
            flags.append("stale_followup")
        for r in (nov, dec):
            if r and r["resolved"] == "yes" and r["resolved_on"]:
                ro = dt.date.fromisoformat(r["resolved_on"])
                if any(i["at"].date() >= ro + dt.timedelta(days=3) for i in wage):
                    flags.append("recurrence")
                    break
        if len(pp) >= 2 and len(pp) / len(sigs) >= 0.5:
            flags.append("non_wage_dispute")
        out[pid] = flags
        info[pid] = dict(reported=reported, petitions=sum(1 for i in sigs if i["kind"] == "petition"),
                         posts=sum(1 for i in sigs if i["kind"] == "post"),
                         stories=sum(1 for i in sigs if i["kind"] == "post" and not i["repost_of"]) +
                         sum(1 for i in sigs if i["kind"] == "petition"),
                         wage=len(wage), pp=len(pp))
    return out, info


def design_checks(ledgers):
    errors = []
    derived, info = evaluate(ledgers)
    for pid in REG:
        want = sorted(DESIGN[pid][0])
        if sorted(derived[pid]) != want:
            errors.append(f"{pid}: designed {want}, derived {sorted(derived[pid])}")
    esc_projects = {p for p, (f, _) in DESIGN.items() if "escalating" in f}
    for it in ITEMS:
        lab, at = it["label"], it["at"]
        text = it.get("title", "") + it["content"]
        # no project signal on the window's first edge, none before 08:00 local
        if lab["project"] and at.date() == dt.date(2024, 12, 1):
            errors.append(f"project item on 12-01: {text[:30]}")
        if at.hour < 8:
            errors.append(f"item before 08:00: {text[:30]}")
        # non-escalating projects: no collective / extreme wording, no petition of 5+
        if lab["project"] and lab["project"] not in esc_projects:
            for w in ESC_WORDS:
                if w in text:
                    errors.append(f"{lab['project']} escalation word {w!r}: {text[:40]}")
            if it["kind"] == "petition" and (it["people"] or 0) >= 5:
                errors.append(f"{lab['project']} petition with {it['people']} people")
        # open petitions: either clearly stale under both readings, or clearly not under either
        if it["kind"] == "petition" and it["status"] != "closed":
            wd, cd = petition_deadlines(it["channel"], at.date())
            margin = dt.timedelta(days=4)
            # the working-day reading (register.yaml) with 4 days to spare; the calendar reading at least not crossing
            stale_both = wd <= AS_OF - margin and cd < AS_OF
            fresh_both = wd >= AS_OF + margin and cd > AS_OF
            if not (stale_both or fresh_both):
                errors.append(f"open petition {it['id']} borderline: working {wd}, calendar {cd}")
    # no sudden rise anywhere but the escalating projects: ≤2 stories in the last 7 days
    last7 = AS_OF - dt.timedelta(days=6)
    for pid in REG:
        if pid in esc_projects:
            continue
        n = sum(1 for i in ITEMS if i["label"]["project"] == pid and not i.get("repost_of") and i["at"].date() >= last7)
        if n > 2:
            errors.append(f"{pid}: {n} stories in the last 7 days (surge risk)")
    # underreported designs need ≥2 wage signals; non-wage designs: zero wage signals
    for pid, (flags, _) in DESIGN.items():
        if "underreported" in flags and info[pid]["wage"] < 2:
            errors.append(f"{pid}: underreported with {info[pid]['wage']} wage signals")
        if "non_wage_dispute" in flags and info[pid]["wage"]:
            errors.append(f"{pid}: non-wage project with wage signals")
    return errors, derived, info


def informal_share():
    sig = [i for i in ITEMS if i["label"]["project"] and i["label"]["signal"]]
    informal = [i for i in sig if REG[i["label"]["project"]]["name"] not in (i.get("title", "") + i["content"])]
    return len(informal), len(sig)


# =========================================================================== validation of the written files
def validate():
    problems = []
    # reports
    for period in ("2024-11", "2024-12"):
        path = os.path.join(HERE, f"reports-{period}.csv")
        with open(path, encoding="utf-8") as f:
            rd_ = csv.DictReader(f)
            if rd_.fieldnames != REPORT_COLS:
                problems.append(f"{path}: header {rd_.fieldnames}")
            seen = set()
            for n, r in enumerate(rd_, start=2):
                where = f"{os.path.basename(path)}:{n}"
                for k in ("report_id", "department", "period", "project_name", "status"):
                    if not r[k]:
                        problems.append(f"{where}: {k} missing")
                if r["period"] != period:
                    problems.append(f"{where}: period")
                if r["project_id"] and r["project_id"] not in REG:
                    problems.append(f"{where}: unknown project_id")
                key = (r["department"], r["project_id"] or r["project_name"])
                if key in seen:
                    problems.append(f"{where}: duplicate")
                seen.add(key)
                end = dt.date(2024, int(period[5:]), 30 if period.endswith("11") else 31)
                if r["status"] == "arrears":
                    if not (r["arrears_type"] in ("wage", "project_payment") and r["workers"] and int(r["workers"]) >= 1
                            and r["responsible_person"] and r["responsible_unit"] and r["amount_owed"]):
                        problems.append(f"{where}: arrears row incomplete")
                    if r["amount_paid"] and int(r["amount_paid"]) > int(r["amount_owed"]):
                        problems.append(f"{where}: paid above owed")
                    if r["resolved"] == "yes" and not r["resolved_on"]:
                        problems.append(f"{where}: resolved with no date")
                    for k in ("since", "resolved_on"):
                        if r[k] and dt.date.fromisoformat(r[k]) > end:
                            problems.append(f"{where}: {k} after the period")
                    if r["commitment"]:
                        problems.append(f"{where}: commitment on an arrears row")
                elif r["status"] == "none":
                    if any(r[k] for k in ("arrears_type", "workers", "amount_owed", "amount_paid", "since", "resolved", "resolved_on")):
                        problems.append(f"{where}: none row with amounts")
                else:
                    problems.append(f"{where}: status {r['status']}")
                if r["filed_on"] > AS_OF.isoformat():
                    problems.append(f"{where}: filed after as-of")
    # petitions
    ids = set()
    with open(os.path.join(HERE, "petitions.ndjson"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            rec = json.loads(line)
            for k in ("id", "channel", "received_at", "content"):
                if not rec.get(k):
                    problems.append(f"petitions:{n}: {k} missing")
            if rec["channel"] not in ("visit", "letter", "online", "hotline", "platform"):
                problems.append(f"petitions:{n}: channel")
            if rec["id"] in ids:
                problems.append(f"petitions:{n}: duplicate id")
            ids.add(rec["id"])
            if rec.get("status") not in ("received", "assigned", "handling", "closed"):
                problems.append(f"petitions:{n}: status")
            if (rec.get("status") == "closed") != bool(rec.get("closed_at")):
                problems.append(f"petitions:{n}: closed_at vs status")
            for k in ("received_at", "closed_at"):
                if rec.get(k):
                    v = rec[k]
                    t = dt.datetime.fromisoformat(v) if "T" in v else dt.datetime.strptime(v, "%Y-%m-%d %H:%M")
                    if not (dt.datetime(2024, 9, 1) <= t.replace(tzinfo=None) <= dt.datetime(2024, 12, 31, 23, 59)):
                        problems.append(f"petitions:{n}: {k} out of range")
            if "people" in rec and not isinstance(rec["people"], int):
                problems.append(f"petitions:{n}: people not int")
    # posts
    tree = ET.parse(os.path.join(HERE, "posts.xml"))
    root = tree.getroot()
    if root.tag != "rss" or root.get("version") != "2.0":
        problems.append("posts.xml: not RSS 2.0")
    guids = set()
    items = root.findall("./channel/item")
    for n, item in enumerate(items, 1):
        for k in ("guid", "title", "description", "pubDate"):
            if item.find(k) is None or not (item.find(k).text or "").strip():
                problems.append(f"posts.xml item {n}: {k} missing")
        g = item.findtext("guid")
        if g in guids:
            problems.append(f"posts.xml item {n}: duplicate guid")
        guids.add(g)
        t = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
        if not (dt.datetime(2024, 11, 1, tzinfo=TZ) <= t <= dt.datetime(2024, 12, 31, 23, 59, 59, tzinfo=TZ)):
            problems.append(f"posts.xml item {n}: pubDate out of range")
    # expected.json
    exp = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
    if sorted(exp["projects"]) != sorted(REG):
        problems.append("expected.json: not every project")
    for u in exp["unregistered"]:
        for i in u["items"]:
            if i not in ids and i not in guids:
                problems.append(f"expected.json: unknown item {i}")
    return problems, len(ids), len(items)


# =========================================================================== main
def main():
    build_items()
    pets, posts = finalize()
    ledgers = build_ledgers()
    errors, derived, info = design_checks(ledgers)

    write_reports(ledgers)
    write_petitions(pets)
    write_posts(posts)
    write_labels(pets, posts)
    unreg = []
    for uid, name in UNREGISTERED.items():
        its = sorted([i for i in ITEMS if (i["label"]["site"] or {}).get("id") == uid], key=lambda i: i["at"])
        unreg.append({"site": name, "items": [i["id"] for i in its]})
    expected = {"as_of": AS_OF.isoformat(), "window_days": WINDOW_DAYS,
                "projects": {pid: DESIGN[pid][0] for pid in sorted(REG)},
                "unregistered": unreg,
                "notes": {pid: note for pid, (f, note) in sorted(DESIGN.items()) if note}}
    expected["notes"]["_unregistered"] = ("Each site is written in several spellings: 宏达食品厂新厂房 / 北塘宏达厂房 / 北堂镇宏达食品新厂 / "
                                          "宏达食品厂扩建; 云栖民宿 / 石平镇云栖山庄 / 雲棲山莊 / 云栖山庄民宿; 金源大厦 / 桥西金源大夏 / 金源商务大厦. "
                                          "Not listed: generic sites (一私人建房工地, 一工地, 学校工地, 某小区装修, 城区某商品房项目, 东湖那边有个工地) "
                                          "and 云州市金源大厦 (another city).")
    expected["notes"]["_window"] = ("Window 2024-12-02..2024-12-31. No project item is dated 12-01 or before 08:00 local; open petitions are "
                                    "either past their deadline under both readings (calendar and working days) or inside it under both "
                                    "(the working-day reading with at least 4 days to spare).")
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2)
        f.write("\n")

    problems, npet, npost = validate()

    # ---------------------------------------------------------------- summary
    print(f"items: {npet} petitions, {npost} posts "
          f"({sum(1 for i in ITEMS if i['label']['signal'])} signals, "
          f"{sum(1 for i in ITEMS if i['label']['classes'] != ['plain'])} with a trap class)")
    inf, tot = informal_share()
    print(f"project signals naming the project informally (not its full official name): {inf}/{tot}")
    print(f"in window: {sum(1 for i in ITEMS if in_window(i['at'].date()))}, before: {sum(1 for i in ITEMS if i['at'].date() < WIN_START)}")
    print()
    hdr = f"{'project':7} {'short name':14} {'department':8} {'sens':4} {'reported':8} {'pet':>3} {'post':>4} {'wage':>4} {'pp':>3}  flags"
    print(hdr)
    print("-" * len(hdr) * 2)
    order = ["underreported", "contradicts_commitment", "escalating", "stale_followup", "recurrence", "non_wage_dispute"]
    def key(p):
        f = DESIGN[p][0]
        return (min([order.index(x) for x in f] or [99]), p)
    for pid in sorted(REG, key=key):
        f = DESIGN[pid][0]
        inf_ = info[pid]
        if not f and not (inf_["petitions"] or inf_["posts"]) and pid not in ("Q-029", "Q-047"):
            continue
        short = (REG[pid]["aliases"].split(";")[0] or REG[pid]["name"])[:8]
        print(f"{pid:7} {short:14} {REG[pid]['department']:8} {'yes' if sensitive(pid) else 'no':4} {inf_['reported']:8} "
              f"{inf_['petitions']:>3} {inf_['posts']:>4} {inf_['wage']:>4} {inf_['pp']:>3}  {', '.join(f) or '(none)'}")
    counts = Counter(x for f, _ in DESIGN.values() for x in f)
    print()
    print("flag counts:", ", ".join(f"{k} {counts[k]}" for k in order),
          f"| projects with no flag: {sum(1 for f, _ in DESIGN.values() if not f)} of {len(REG)}")
    print("unregistered:", "; ".join(f"{u['site']} ({len(u['items'])} items)" for u in unreg))
    print()
    if errors or problems:
        print("DESIGN CHECK FAILURES:" if errors else "", *errors, sep="\n  ")
        print("FILE VALIDATION FAILURES:" if problems else "", *problems, sep="\n  ")
        sys.exit(1)
    print("design checks: ok (derived flags == designed flags); file validation: ok")


if __name__ == "__main__":
    main()
