package catalog

// The line mode's own words (ui's RunLines: the desk's flows as plain prompts). Everything else it
// says is the desk's. A Words key lists the answers a prompt accepts, separated by spaces: the
// desk's key, the English word, and the word in the language.
const (
	LineWelcome         Key = "qfpos line mode: terminal %s, %s. Type help for the commands."
	LinePendingAtStart  Key = "%d refund(s) or cancel(s) in the journal not finished: type pending to hear them."
	LineSignIn          Key = "Sign in with your staff id and PIN."
	LineAsk             Key = "%s:"
	LineSignedIn        Key = "Signed in: %s, %s."
	LineLanguage        Key = "Language: %s."
	LineLanguageName    Key = "English"
	LinePrompt          Key = "Find a sale, or type a command (help lists them):"
	LineIdleLocked      Key = "Signed out after %s without use. Sign in again."
	LineProcessing      Key = "QFPay answered: processing; qfpos keeps checking"
	LineSucceededRef    Key = "succeeded; QFPay reference %s"
	LineProgress        Key = "%s %s: %s"
	LinePrintHint       Key = "Type print for the customer's slip."
	LineNoStaff         Key = "This journal has no staff: nobody is signed in."
	LineLocked          Key = "Signed out. The next person signs in."
	LineHelpFind        Key = "A reference, its last digits, an amount (12.50) or a pay method: finds a sale."
	LineHelpRecent      Key = "recent: the newest sales."
	LineHelpPending     Key = "pending: refunds and cancels not finished."
	LineHelpToday       Key = "today: today's refunds and cancels, with totals."
	LineHelpPrint       Key = "print: the slip of your last refund or cancel."
	LineHelpLanguage    Key = "language: English, 繁體中文 and 简体中文 in turn."
	LineHelpLock        Key = "lock: sign out."
	LineHelpQuit        Key = "quit: leave qfpos."
	LineQuitAsk         Key = "Quit anyway? (y/n):"
	LineGoesOn          Key = "%d refund(s) or cancel(s) of this session are still in flight: they go on, and qfpos pending lists them."
	LineNotANumber      Key = "%q is not a number from 1 to %d."
	LineOneMatch        Key = "One sale found."
	LineMatches         Key = "%d sales found:"
	LineMatchesMore     Key = "%d sales found; the newest %d:"
	LineSaleRow         Key = "%d. %s, %s, %s, %s, reference ending %s"
	LineChooseSale      Key = "Number of the sale, 1 to %d, or Enter for none:"
	LineField           Key = "%s: %s"
	LineAskRefundCancel Key = "Refund (r), cancel (c), or Enter to go back:"
	LineAskRefund       Key = "Refund (r), or Enter to go back:"
	LineAskCancel       Key = "Cancel (c), or Enter to go back:"
	LineNotUnderstood   Key = "%q is not one of the answers asked for."
	LineAmountAsk       Key = "Amount in %s, at most %s (Enter: %s):"
	LineNumbered        Key = "%d %s"
	LineReasons         Key = "Reasons: %s."
	LineReasonAsk       Key = "Reason, by its number or in your own words:"
	LineSendAsk         Key = "Send it? y sends, n does not:"
	LineNotSent         Key = "Not sent."
	LineApproval        Key = "This refund needs a manager's approval (%s): the manager types their staff id and PIN; Enter on the id goes back."
	LineManagerID       Key = "Manager's staff id"
	LinePendingNone     Key = "No refunds or cancels are unfinished."
	LinePendingTitle    Key = "%d refunds or cancels not finished:"
	LinePendingRow      Key = "%d. %s %s, sale %s: %s"
	LineTodayRow        Key = "%d. %s, %s %s, %s: %s"
	LineChooseOp        Key = "Number to hear its steps, 1 to %d, or Enter for none:"
	LineAskCheckPrint   Key = "Check at QFPay now (c), print its slip (p), or Enter to go back:"
	LineAskCheck        Key = "Check at QFPay now (c), or Enter to go back:"
	LineAskPrint        Key = "Print its slip (p), or Enter to go back:"
	LineRecheckAsked    Key = "Asked QFPay again; its answer is said when it comes."
	LineNoPrinter       Key = "No receipt printer is set up ([receipt] printer)."
	LineNothingToPrint  Key = "No refund or cancel of this session has a slip yet."
	LineSlipAsk         Key = "Slip language: 1 English, 2 繁體中文, 3 简体中文, Enter the usual:"

	LineWordsHelp     Key = "? h help"
	LineWordsQuit     Key = "q quit exit"
	LineWordsRecent   Key = "s sales recent"
	LineWordsPending  Key = "pending"
	LineWordsToday    Key = "t today"
	LineWordsPrint    Key = "p print"
	LineWordsLanguage Key = "l language lang"
	LineWordsLock     Key = "lock"
	LineWordsYes      Key = "y yes send"
	LineWordsNo       Key = "n no"
	LineWordsBack     Key = "b back esc"
	LineWordsRefund   Key = "r refund"
	LineWordsCancel   Key = "c cancel"
	LineWordsCheck    Key = "c check"
)

// lineTexts are the line mode's words in the three languages side by side.
var lineTexts = []tableText{
	{LineWelcome, "qfpos 文字模式：終端 %s，%s。輸入 help 查看指令。", "qfpos 文字模式：终端 %s，%s。输入 help 查看指令。"},
	{LinePendingAtStart, "交易日誌中有 %d 宗退款或取消未完成：輸入 pending 查看。", "交易日志中有 %d 笔退款或取消未完成：输入 pending 查看。"},
	{LineSignIn, "請以員工編號及密碼登入。", "请以员工编号和密码登录。"},
	{LineAsk, "%s：", "%s："},
	{LineSignedIn, "已登入：%s，%s。", "已登录：%s，%s。"},
	{LineLanguage, "語言：%s。", "语言：%s。"},
	{LineLanguageName, "繁體中文", "简体中文"},
	{LinePrompt, "搜尋交易，或輸入指令（help 列出指令）：", "搜索交易，或输入指令（help 列出指令）："},
	{LineIdleLocked, "閒置 %s，已登出。請重新登入。", "闲置 %s，已退出登录。请重新登录。"},
	{LineProcessing, "QFPay 回覆：處理中；qfpos 會繼續查詢", "QFPay 回复：处理中；qfpos 会继续查询"},
	{LineSucceededRef, "已完成；QFPay 交易號 %s", "已完成；QFPay 流水号 %s"},
	{LineProgress, "%s %s：%s", "%s %s：%s"},
	{LinePrintHint, "輸入 print 打印給客戶的收據。", "输入 print 打印给客户的收据。"},
	{LineNoStaff, "此交易日誌沒有員工：無人登入。", "此交易日志没有员工：无人登录。"},
	{LineLocked, "已登出。下一位請登入。", "已退出登录。下一位请登录。"},
	{LineHelpFind, "交易號、其最後幾位數字、金額（12.50）或付款方式：搜尋交易。", "流水号、其最后几位数字、金额（12.50）或付款方式：搜索交易。"},
	{LineHelpRecent, "recent：最近的交易。", "recent：最近的交易。"},
	{LineHelpPending, "pending：未完成的退款及取消。", "pending：未完成的退款和取消。"},
	{LineHelpToday, "today：今日的退款及取消，連總數。", "today：今日的退款和取消，连合计。"},
	{LineHelpPrint, "print：打印你最近一宗退款或取消的收據。", "print：打印你最近一笔退款或取消的收据。"},
	{LineHelpLanguage, "language：輪流切換 English、繁體中文及简体中文。", "language：轮流切换 English、繁體中文和简体中文。"},
	{LineHelpLock, "lock：登出。", "lock：退出登录。"},
	{LineHelpQuit, "quit：離開 qfpos。", "quit：退出 qfpos。"},
	{LineQuitAsk, "仍要離開？(y/n)：", "仍要退出？(y/n)："},
	{LineGoesOn, "今次有 %d 宗退款或取消仍在處理中：會繼續處理，qfpos pending 會列出。", "本次有 %d 笔退款或取消仍在处理中：会继续处理，qfpos pending 会列出。"},
	{LineNotANumber, "%q 不是 1 至 %d 的數字。", "%q 不是 1 至 %d 的数字。"},
	{LineOneMatch, "找到一筆交易。", "找到一笔交易。"},
	{LineMatches, "找到 %d 筆交易：", "找到 %d 笔交易："},
	{LineMatchesMore, "找到 %d 筆交易；最新的 %d 筆：", "找到 %d 笔交易；最新的 %d 笔："},
	{LineSaleRow, "%d. %s，%s，%s，%s，交易號最後幾位 %s", "%d. %s，%s，%s，%s，流水号最后几位 %s"},
	{LineChooseSale, "交易的序號（1 至 %d），或按 Enter 不選：", "交易的序号（1 至 %d），或按 Enter 不选："},
	{LineField, "%s：%s", "%s：%s"},
	{LineAskRefundCancel, "退款 (r)、取消 (c)，或按 Enter 返回：", "退款 (r)、取消 (c)，或按 Enter 返回："},
	{LineAskRefund, "退款 (r)，或按 Enter 返回：", "退款 (r)，或按 Enter 返回："},
	{LineAskCancel, "取消 (c)，或按 Enter 返回：", "取消 (c)，或按 Enter 返回："},
	{LineNotUnderstood, "%q 不是可選的答案。", "%q 不是可选的答案。"},
	{LineAmountAsk, "金額（%s），最多 %s（按 Enter：%s）：", "金额（%s），最多 %s（按 Enter：%s）："},
	{LineNumbered, "%d %s", "%d %s"},
	{LineReasons, "原因：%s。", "原因：%s。"},
	{LineReasonAsk, "原因（輸入序號，或自行填寫）：", "原因（输入序号，或自行填写）："},
	{LineSendAsk, "發送？y 發送，n 不發送：", "发送？y 发送，n 不发送："},
	{LineNotSent, "沒有發送。", "没有发送。"},
	{LineApproval, "這筆退款需要經理批准（%s）：請經理輸入員工編號及密碼；員工編號留空按 Enter 返回。", "这笔退款需要经理批准（%s）：请经理输入员工编号和密码；员工编号留空按 Enter 返回。"},
	{LineManagerID, "經理的員工編號", "经理的员工编号"},
	{LinePendingNone, "沒有未完成的退款或取消。", "没有未完成的退款或取消。"},
	{LinePendingTitle, "%d 宗退款或取消未完成：", "%d 笔退款或取消未完成："},
	{LinePendingRow, "%d. %s %s，交易 %s：%s", "%d. %s %s，交易 %s：%s"},
	{LineTodayRow, "%d. %s，%s %s，%s：%s", "%d. %s，%s %s，%s：%s"},
	{LineChooseOp, "輸入序號查看其步驟（1 至 %d），或按 Enter 不選：", "输入序号查看其步骤（1 至 %d），或按 Enter 不选："},
	{LineAskCheckPrint, "立即向 QFPay 查詢 (c)、打印收據 (p)，或按 Enter 返回：", "立即向 QFPay 查询 (c)、打印收据 (p)，或按 Enter 返回："},
	{LineAskCheck, "立即向 QFPay 查詢 (c)，或按 Enter 返回：", "立即向 QFPay 查询 (c)，或按 Enter 返回："},
	{LineAskPrint, "打印收據 (p)，或按 Enter 返回：", "打印收据 (p)，或按 Enter 返回："},
	{LineRecheckAsked, "已再向 QFPay 查詢；有回覆時會告知。", "已再向 QFPay 查询；有回复时会告知。"},
	{LineNoPrinter, "未設定收據打印機（[receipt] printer）。", "未设置收据打印机（[receipt] printer）。"},
	{LineNothingToPrint, "今次登入後還沒有可打印收據的退款或取消。", "本次登录后还没有可打印收据的退款或取消。"},
	{LineSlipAsk, "收據語言：1 English、2 繁體中文、3 简体中文，按 Enter 用預設：", "收据语言：1 English、2 繁體中文、3 简体中文，按 Enter 用默认："},

	{LineWordsHelp, "? h help 說明", "? h help 帮助"},
	{LineWordsQuit, "q quit exit 離開", "q quit exit 退出"},
	{LineWordsRecent, "s sales recent 最近", "s sales recent 最近"},
	{LineWordsPending, "pending 未完成", "pending 未完成"},
	{LineWordsToday, "t today 今日", "t today 今日"},
	{LineWordsPrint, "p print 打印", "p print 打印"},
	{LineWordsLanguage, "l language lang 語言", "l language lang 语言"},
	{LineWordsLock, "lock 鎖定 登出", "lock 锁定 退出登录"},
	{LineWordsYes, "y yes send 是 發送", "y yes send 是 发送"},
	{LineWordsNo, "n no 否", "n no 否"},
	{LineWordsBack, "b back esc 返回", "b back esc 返回"},
	{LineWordsRefund, "r refund 退款", "r refund 退款"},
	{LineWordsCancel, "c cancel 取消", "c cancel 取消"},
	{LineWordsCheck, "c check 查詢", "c check 查询"},
}
