#!/usr/bin/env python3
"""The web UI in a real headless Chromium (Debian's `chromium`), end to end.

Builds a demo store with the wagewatch CLI, adds accounts, starts `wagewatch serve`
on 127.0.0.1 (a free port), and drives Chromium through the DevTools protocol over a
pipe (`--remote-debugging-pipe`: no WebSocket, no driver download, nothing but the
standard library): a reviewer of the petition bureau logs in, opens the review queue,
claims an item and confirms its link, rejects the signals of a project, and a leader
then sees the register change. Screenshots go to the output folder for a person to
look at. Exits non-zero on the first failed check.

Usage: browser_test.py WAGEWATCH_BINARY OUTPUT_FOLDER
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "browser-test-pass-1"


class Browser:
    """Chromium over its DevTools pipe: fd 3 carries commands in, fd 4 answers out,
    each message a JSON object ended by a NUL byte."""

    def __init__(self, executable, profile):
        to_chrome_read, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_write = os.pipe()

        def wire():
            os.dup2(to_chrome_read, 3)
            os.dup2(from_chrome_write, 4)

        arguments = [executable, "--headless=new", "--remote-debugging-pipe", "--no-first-run",
                     "--no-default-browser-check", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-extensions", "--disable-background-networking", "--disable-sync",
                     "--no-proxy-server", "--user-data-dir=" + profile, "--window-size=1366,768",
                     "about:blank"]
        if os.geteuid() == 0:
            arguments.insert(1, "--no-sandbox")  # CI runs as root; Chromium's sandbox refuses root
        # close_fds=False: the child's 3 and 4, made by dup2 in `wire`, must survive the exec.
        self.process = subprocess.Popen(arguments, preexec_fn=wire, close_fds=False,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_read)
        os.close(from_chrome_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            answer = self.read(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)
        raise TimeoutError(method)

    def read(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for_event(self, method, timeout=30):
        deadline = time.time() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    del self.events[index]
                    return event
            self.events.append(self.read(deadline))

    def open_tab(self):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})

    def load(self, action):
        """Runs `action` (a navigation or a form submission) and waits for the new page."""
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        action()
        self.wait_for_event("Page.loadEventFired")

    def goto(self, url):
        self.load(lambda: self.send("Page.navigate", {"url": url}))

    def evaluate(self, expression, awaiting=False):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": awaiting})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def submit(self, form_selector, fields):
        """Fills a form's fields as a user would type them and submits it."""
        script = "".join(
            f"document.querySelector({json.dumps(form_selector + ' [name=' + name + ']')}).value = {json.dumps(value)};"
            for name, value in fields.items())
        script += f"document.querySelector({json.dumps(form_selector)}).requestSubmit();"
        self.load(lambda: self.evaluate(script))

    def text(self):
        return self.evaluate("document.body.innerText")

    def choose_files(self, selector, paths):
        """Puts files in a file input, as a user picking them in the dialog would."""
        root = self.send("DOM.getDocument")["root"]["nodeId"]
        node = self.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        self.send("DOM.setFileInputFiles", {"nodeId": node, "files": paths})

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print(f"  ok: {what}")


def run(binary, output):
    work = tempfile.mkdtemp(prefix="wagewatch-browser-")
    database = os.path.join(work, "demo.sqlite")
    demo = os.path.join(ROOT, "feeds", "demo")
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    subprocess.run([binary, "import", "registry", "--database", database, os.path.join(demo, "registry.csv")], **quiet)
    for month in ("2024-11", "2024-12"):
        subprocess.run([binary, "import", "reports", "--database", database, "--filed-on", "2024-12-31",
                        os.path.join(demo, f"reports-{month}.csv")], **quiet)
    subprocess.run([binary, "run", "--database", database, "--feeds", os.path.join(ROOT, "feeds"),
                    "--rules", os.path.join(ROOT, "rules"), "--as-of", "2024-12-31", "--window", "30"], **quiet)
    for name, role, unit in (("xinfang", "petition", []), ("lingdao", "leader", []),
                             ("zhujian", "department", ["--department", "市住建局"])):
        subprocess.run([binary, "user", "add", name, "--role", role, "--database", database] + unit,
                       input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL, check=True)

    def serve(as_of):
        started = subprocess.Popen([binary, "serve", "--database", database, "--feeds", os.path.join(ROOT, "feeds"),
                                    "--rules", os.path.join(ROOT, "rules"), "--as-of", as_of,
                                    "--host", "127.0.0.1", "--port", "0"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = started.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        check(match is not None, f"the server says where it listens ({line.strip()})")
        return started, f"http://127.0.0.1:{match.group(1)}"

    def stop(started):
        started.terminate()
        try:
            started.wait(timeout=10)
        except subprocess.TimeoutExpired:
            started.kill()

    server, base = serve("2024-12-31")
    browser = None
    try:
        executable = shutil.which("chromium") or shutil.which("chromium-browser")
        check(executable is not None, "Debian's chromium is installed")
        browser = Browser(executable, os.path.join(work, "profile"))
        browser.open_tab()

        print("petition bureau reviewer:")
        browser.goto(base + "/queue")
        check(browser.evaluate("location.pathname") == "/login", "an anonymous visit is sent to the login page")
        browser.submit("form.login", {"name": "xinfang", "password": "wrong-password-0"})
        check("用户名或密码不正确" in browser.text(), "a wrong password is refused")
        browser.submit("form.login", {"name": "xinfang", "password": PASSWORD})
        check(browser.evaluate("location.pathname + location.search") == "/queue", "login returns to the queue")
        check(browser.evaluate("document.cookie") == "", "the session cookie is not readable by scripts")
        queue_text = browser.text()
        check("审核队列" in queue_text and "三中新校区工地工人讨薪" in queue_text, "the queue lists the demo's items")
        rows_before = browser.evaluate("document.querySelectorAll('#queue tbody tr').length")
        browser.screenshot(os.path.join(output, "1-queue.png"))

        item = "demo-petitions:XF-2024-1201"
        browser.goto(f"{base}/items/{item}")
        check("赵德明" in browser.text(), "the petition bureau sees the petitioner")
        browser.load(lambda: browser.evaluate("document.querySelector('#claim').click()"))
        check("xinfang 正在审核" in browser.text(), "claiming shows who reviews the item")
        # The review form sits above the judgement; a common reason is picked, and
        # 提交并下一条 goes on to the next item of the worklist.
        check(browser.evaluate("document.querySelector('#review').compareDocumentPosition("
                               "[...document.querySelectorAll('h3')].find(h => h.innerText === '研判')) "
                               "& Node.DOCUMENT_POSITION_FOLLOWING") > 0, "the review form comes first")
        browser.load(lambda: browser.evaluate(
            "document.querySelector('form.review [name=action]').value = 'confirm';"
            "document.querySelector('form.review [name=preset]').value = '内容属实，关联项目正确';"
            "document.querySelector('form.review [name=reason]').value = '已电话核实';"
            "document.querySelector('form.review').requestSubmit(document.querySelector('#submit-next'));"))
        check(browser.evaluate("location.pathname").startswith("/items/")
              and item not in browser.evaluate("decodeURIComponent(location.pathname)")
              and "已提交：确认关联" in browser.text(), "提交并下一条 opens the next item with a notice")
        browser.screenshot(os.path.join(output, "2-next-item.png"))
        browser.goto(f"{base}/items/{item}")
        check("确认关联" in browser.evaluate("document.querySelector('#history').innerText")
              and "内容属实，关联项目正确；已电话核实" in browser.text(), "the confirmation is in the item's history")
        browser.screenshot(os.path.join(output, "2-item-confirmed.png"))
        browser.goto(base + "/queue")
        check(browser.evaluate("document.querySelectorAll('#queue tbody tr').length") == rows_before - 1,
              "the confirmed item left the queue")

        # P-002 is flagged 疑似漏报 on two signals; both turn out not to be wage arrears.
        browser.goto(base + "/projects/P-002")
        check("疑似漏报" in browser.text(), "P-002 is flagged before the review")
        browser.screenshot(os.path.join(output, "3-project-before.png"))
        for signal in ("demo-petitions:XF-2024-1223", "demo-weibo:weibo-4991003"):
            browser.goto(f"{base}/items/{signal}")
            browser.submit("form.review", {"action": "reject", "reason": "复核为重复反映，非欠薪"})
        browser.goto(base + "/projects/P-002")
        check("疑似漏报" not in browser.text() and "无标记" in browser.text(), "P-002 lost its flags at once")
        browser.screenshot(os.path.join(output, "4-project-after.png"))
        browser.load(lambda: browser.evaluate("document.querySelector('form.logout').requestSubmit()"))
        check(browser.evaluate("location.pathname") == "/login", "logging out returns to the login page")

        print("leader:")
        browser.submit("form.login", {"name": "lingdao", "password": PASSWORD})
        check(browser.evaluate("location.pathname") == "/scorecard", "a leader lands on the scorecard")
        check(browser.evaluate("document.querySelectorAll('#scorecard svg rect').length") > 0, "the ranking has bars")
        browser.screenshot(os.path.join(output, "5-scorecard.png"))
        browser.goto(base + "/register")
        register = browser.text()
        check("P-001" in register and "P-002" not in register, "the register no longer lists P-002")
        browser.goto(f"{base}/items/demo-petitions:XF-2024-1208")
        check("孙立新" not in browser.text() and "信访人个人信息已隐去" in browser.text(),
              "a leader does not see the petitioner")
        browser.goto(base + "/daily")
        fonts = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True).stdout
        check("Noto Sans CJK SC" in fonts, "the Chinese font the pages name is installed")
        browser.screenshot(os.path.join(output, "6-daily.png"))
        # The 日报's workbook, as the export link gives it, opened by LibreOffice: a sheet per list.
        check(browser.evaluate("document.querySelector('#daily-exports a[href=\"/daily.xlsx\"]') !== null"),
              "the 日报 offers its workbook")
        workbook = base64.b64decode(browser.evaluate(
            "fetch('/daily.xlsx').then(r => r.arrayBuffer()).then(b => {"
            " let s = ''; for (const x of new Uint8Array(b)) s += String.fromCharCode(x); return btoa(s); })",
            awaiting=True))
        check(workbook[:2] == b"PK", "the 日报's export is a workbook")
        xlsx = os.path.join(output, "daily.xlsx")
        with open(xlsx, "wb") as file:
            file.write(workbook)
        soffice = shutil.which("soffice")
        if soffice:
            converted = os.path.join(output, "daily-csv")
            subprocess.run([soffice, "-env:UserInstallation=file://" + os.path.join(output, "lo-profile"), "--headless",
                            "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                            "--outdir", converted, xlsx], capture_output=True, timeout=120)
            sheets = sorted(name[len("daily-"):-len(".csv")] for name in os.listdir(converted))
            check({"概况", "新增标记", "热点事件", "超期督办", "每日线索"} <= set(sheets),
                  f"LibreOffice opens the workbook with a sheet per list ({sheets})")
            with open(os.path.join(converted, "daily-概况.csv"), encoding="utf-8") as file:
                check("有标记项目" in file.read(), "the overview sheet holds the day's figures")
        # The printable brief under its official head, printed by Chromium to PDF.
        browser.goto(base + "/daily/print")
        check("内部资料 注意保存" in browser.text() and "编制单位" in browser.text() and "2024年12月31日" in browser.text(),
              "the printable brief has an official head")
        pdf = base64.b64decode(browser.send("Page.printToPDF", {"printBackground": True})["data"])
        check(pdf[:4] == b"%PDF", "the brief prints to PDF")
        with open(os.path.join(output, "daily-brief.pdf"), "wb") as file:
            file.write(pdf)
        browser.goto(base + "/queue")
        check("无权访问" in browser.text(), "a leader cannot open the review queue")
        browser.goto(base + "/search?q=" + "%E6%AC%A0%E8%96%AA")
        found = browser.evaluate("document.querySelectorAll('#results tr').length")
        check(found > 0 and re.search(r"找到 [1-9]\d* 条", browser.text()) is not None,
              f"search finds a two-character term ({found} items)")
        browser.screenshot(os.path.join(output, "7-search.png"))

        # 督办: the leader hands the flagged P-001 to 市住建局 from its page; its account signs
        # and answers; the leader closes it.
        browser.goto(base + "/projects/P-001")
        browser.load(lambda: browser.evaluate("document.querySelector('#open-case-link').click()"))
        check(browser.evaluate("document.querySelector('#open-case [name=project]').value") == "P-001",
              "交办督办 on the project page fills in the case form")
        browser.submit("#open-case", {"person": "李科长", "plan": "三日内核实并督促支付"})
        check(browser.evaluate("location.pathname") == "/cases/DB-2024-0001", "opening a case shows it")
        check("待签收" in browser.text() and "市住建局" in browser.text(), "the case waits for 市住建局 to sign")
        check("交办依据" in browser.text() and "无标记" not in browser.text(),
              "the case holds the project's flags as evidence")
        browser.goto(base + "/daily")
        check("DB-2024-0001" in browser.evaluate("document.body.innerText"), "the 日报 lists the new case")
        browser.load(lambda: browser.evaluate("document.querySelector('form.logout').requestSubmit()"))
        print("responsible unit:")
        browser.submit("form.login", {"name": "zhujian", "password": PASSWORD})
        check(browser.evaluate("location.pathname") == "/cases", "a unit lands on its cases")
        check("DB-2024-0001" in browser.text(), "the unit sees its case")
        browser.goto(base + "/projects/P-001")
        check("城东安置房二期工程" in browser.text() and "风险标记" in browser.text(), "a unit opens its own project")
        browser.goto(base + "/projects/P-002")
        check("找不到" in browser.text(), "another unit's project is not there for it")
        browser.goto(base + "/cases/DB-2024-0001")
        browser.load(lambda: browser.evaluate("document.querySelector('#sign').requestSubmit()"))
        check("办理中" in browser.text(), "signing puts the case in hand")
        slip = os.path.join(work, "代发回单.pdf")
        with open(slip, "wb") as file:
            file.write(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
        browser.choose_files("#reply input[type=file]", [slip])
        browser.submit("#reply", {"amount": "320000", "workers": "41", "paid_on": "2024-12-30", "reason": "已通过专户代发"})
        check("已反馈" in browser.text() and "已于 2024-12-30 支付 320000 元、41 人" in browser.text(), "the unit answers: paid")
        check("代发回单.pdf" in browser.evaluate("document.querySelector('#files').innerText"),
              "the bank slip is listed with the answer")
        browser.screenshot(os.path.join(output, "8-case-replied.png"))
        browser.load(lambda: browser.evaluate("document.querySelector('form.logout').requestSubmit()"))
        browser.submit("form.login", {"name": "lingdao", "password": PASSWORD})
        browser.goto(base + "/cases/DB-2024-0001")
        browser.submit("#close", {"reason": "代发凭证齐全，办结"})
        check("已办结" in browser.text(), "the leader closes the case")
        history = browser.evaluate("document.querySelector('#history').innerText")
        check(all(step in history for step in ("签收", "反馈", "办结")), "the history holds every step")
        browser.goto(base + "/scorecard")
        check(browser.evaluate(
            "(() => { const head = [...document.querySelectorAll('#scorecard th')].map(h => h.innerText);"
            " const row = [...document.querySelectorAll('#scorecard tr')].find(r => r.innerText.includes('市住建局'));"
            " return row.children[head.indexOf('按期办结')].innerText; })()") == "1",
            "the scorecard counts the case closed on time")
        browser.screenshot(os.path.join(output, "9-case-closed.png"))

        # Workers of P-001 petition again in January: the next run reopens the closed case,
        # and the next day's pages show it to the leader and to the unit.
        later = os.path.join(work, "later")
        os.makedirs(later)
        with open(os.path.join(later, "later.ndjson"), "w", encoding="utf-8") as file:
            file.write(json.dumps({
                "id": "XF-2025-0103", "channel": "visit", "received_at": "2025-01-03 10:00",
                "title": "城东安置房二期工地钢筋班组工资仍未发放",
                "content": "城东安置房二期工地钢筋班组8人反映，12月工资至今未发，约9万元，项目部说等总包拨款。",
                "respondent": "青川宏远建设集团有限公司", "location": "城关街道", "people": 8, "amount": 90000,
                "petitioner": "钱小军", "phone": "13800001111", "status": "handling", "handling_unit": "市住建局"},
                ensure_ascii=False) + "\n")
        with open(os.path.join(later, "feeds.yaml"), "w", encoding="utf-8") as file:
            file.write("feeds:\n  - id: later-petitions\n    kind: petition\n    format: petition_ndjson\n"
                       "    url: file:later.ndjson\n")
        subprocess.run([binary, "run", "--database", database, "--feeds", later, "--rules", os.path.join(ROOT, "rules"),
                        "--as-of", "2025-01-05", "--window", "30"], **quiet)
        stop(server)
        server, base = serve("2025-01-05")
        # Cookies are the host's, whatever its port: the leader's session (in the store) goes on.
        browser.goto(base + "/cases/DB-2024-0001")
        if browser.evaluate("location.pathname") == "/login":
            browser.submit("form.login", {"name": "lingdao", "password": PASSWORD})
        history = browser.evaluate("document.querySelector('#history').innerText")
        check("待签收" in browser.text() and "重新交办" in history and "XF-2025-0103" in history,
              "a new petition reopens the closed case")
        browser.goto(base + "/daily")
        check("重新交办" in browser.text() and "DB-2024-0001" in browser.text(), "the 日报 lists the reopened case")
        browser.goto(base + "/scorecard")
        reopened = browser.evaluate(
            "[...document.querySelectorAll('#scorecard tr')].find(r => r.innerText.includes('市住建局')).innerText")
        check("市住建局" in reopened, "the scorecard keeps the unit's line")
        check(browser.evaluate(
            "(() => { const head = [...document.querySelectorAll('#scorecard th')].map(h => h.innerText);"
            " const row = [...document.querySelectorAll('#scorecard tr')].find(r => r.innerText.includes('市住建局'));"
            " return row.children[head.indexOf('重开')].innerText; })()") == "1",
            "the scorecard counts the reopening")
        browser.screenshot(os.path.join(output, "10-case-reopened.png"))
        browser.load(lambda: browser.evaluate("document.querySelector('form.logout').requestSubmit()"))
        browser.submit("form.login", {"name": "zhujian", "password": PASSWORD})
        check("重新交办，待签收" in browser.text() and "DB-2024-0001" in browser.evaluate(
            "document.querySelector('#reopened').innerText"), "the unit is told its case came back")
        browser.screenshot(os.path.join(output, "11-unit-told.png"))
        print(f"browser test passed; screenshots in {output}")
    finally:
        if browser:
            browser.close()
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    os.makedirs(sys.argv[2], exist_ok=True)
    run(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
