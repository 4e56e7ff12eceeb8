#!/usr/bin/env python3
"""The benchmark corpus: a deterministic synthetic city for the scorer and linker.

    corpus.py OUTDIR N_PROJECTS N_POSTS [SEED]

writes into OUTDIR
  gazetteer.tsv  project id, name, aliases (;-separated), contractor, tab-separated
  lexicon.txt    the wage-arrears keywords, one a line
  posts.txt      one post a line: 80 to 400 characters of filler text with
                 keywords (6 in 100 pieces), project names, aliases or
                 contractors (2 in 100) and punctuation (4 in 100) mixed in.
The same arguments always give the same bytes (seed 7 unless given): the figures
of README.md's benchmark section are measured on 100,000 projects and 200,000 posts.
"""
import os
import random
import sys

# Place words (the first ten are single characters), project kinds and name endings.
PLACES = list("东南西北中新老上下前后") + ["城南","城北","河东","河西","江北","滨江","高新","开发","红旗","人民","建设","解放","文化","幸福","和平","光明","胜利","团结","长江","黄河","金山","银湖","青山","翠湖","龙泉","凤凰","天河","白云","盘江","乌蒙","红果","两河","柏果","石桥","刘官","保田","英武","洒基","大山","淤泥"]
KINDS = ["安置房","棚户区改造","道路改造","污水处理厂","学校教学楼","人民医院住院楼","体育馆","产业园标准厂房","保障性住房","市政管网","大桥","隧道","商业综合体","农贸市场","移民安置点","煤矿井巷","水库","高速公路连接线","公租房","还房"]
SUFFIXES = ["项目","工程","建设项目","一期工程","二期工程","三期项目","改造工程"]
FIRM_TRADES = ["建筑工程","建设集团","市政工程","路桥","劳务","建工","水利水电","矿建","装饰工程","基础设施"]
# Filler characters: common Chinese characters, drawn two to eight at a time.
FILLER = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质"
LEXICON = ["欠薪","讨薪","拖欠工资","拖欠农民工工资","农民工工资","工资没发","工资不发","不给工资","要工资","讨要工资","欠工资","血汗钱","辛苦钱","包工头","老板跑路","跑路","失联","集体上访","上访","信访","堵路","拉横幅","跳楼","爬塔吊","讨说法","维权","劳动监察","仲裁","支付令","工程款","材料款","租赁费","机械费","劳务费","工资专户","实名制","春节回家","过年","农民工","工友","一百多人","几十个人","半年","一年多","两年","拖了","一分钱","没拿到","还没给","推脱","踢皮球","没人管","求助","曝光","扩散","转发","媒体","记者","12345","市长热线","信访局","人社局","住建局","政府","项目部","总包","分包","施工方","甲方","开发商","承包商","班组","劳务公司","结算","垫资","停工","烂尾"]


def make_projects(rng, count):
    """Each project: a two-place name of a kind, its short forms, and a contractor."""
    projects = []
    for number in range(count):
        place = rng.choice(PLACES) + rng.choice(PLACES[10:])
        kind = rng.choice(KINDS)
        name = place + kind + rng.choice(SUFFIXES)
        aliases = [place + kind]
        if rng.random() < 0.5:
            aliases.append(name[:6])
        contractor = rng.choice(PLACES[10:]) + rng.choice(PLACES[10:]) + rng.choice(FIRM_TRADES) + "有限公司"
        projects.append((f"P{number:06d}", name, ";".join(aliases), contractor))
    return projects


def make_post(rng, projects):
    """Pieces until the post reaches its drawn length."""
    length = rng.randint(80, 400)
    pieces, written = [], 0
    while written < length:
        draw = rng.random()
        if draw < 0.06:
            piece = rng.choice(LEXICON)
        elif draw < 0.08:
            project = rng.choice(projects)
            piece = rng.choice([project[1], project[2].split(";")[0], project[3]])
        elif draw < 0.12:
            piece = rng.choice("，。！？、")
        else:
            piece = "".join(rng.choice(FILLER) for _ in range(rng.randint(2, 8)))
        pieces.append(piece)
        written += len(piece)
    return "".join(pieces)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: corpus.py OUTDIR N_PROJECTS N_POSTS [SEED]")
    folder, project_count, post_count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) == 5 else 7)
    os.makedirs(folder, exist_ok=True)
    projects = make_projects(rng, project_count)
    with open(os.path.join(folder, "gazetteer.tsv"), "w", encoding="utf-8") as out:
        out.writelines("\t".join(project) + "\n" for project in projects)
    with open(os.path.join(folder, "lexicon.txt"), "w", encoding="utf-8") as out:
        out.write("\n".join(LEXICON) + "\n")
    with open(os.path.join(folder, "posts.txt"), "w", encoding="utf-8") as out:
        for _ in range(post_count):
            out.write(make_post(rng, projects) + "\n")


if __name__ == "__main__":
    main()
