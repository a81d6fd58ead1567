<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AddShelfDialog</name>
    <message>
        <location filename="../../ui/screens/shelves.py" line="80" />
        <source>Add a shelf</source>
        <translation>添加货架</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="84" />
        <source>1-3 letters, e.g. E</source>
        <translation>1-3 个字母，如 E</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="90" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="91" />
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="92" />
        <source>Parcels per layer</source>
        <translation>每层容量</translation>
    </message>
</context>
<context>
    <name>CarriersPage</name>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="249" />
        <source>Carrier terms saved ({0} changed).</source>
        <translation>快递公司设置已保存（{0} 项更改）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="254" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="254" />
        <source>Return after (days)</source>
        <translation>滞留退回（天）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="255" />
        <source>Remind after (days)</source>
        <translation>提醒取件（天）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="256" />
        <source>Works with us</source>
        <translation>本站合作</translation>
    </message>
</context>
<context>
    <name>ChannelsPage</name>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="318" />
        <source>Message settings saved.</source>
        <translation>消息设置已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="326" />
        <source>Channels, in the order tried</source>
        <translation>发送渠道（按尝试顺序）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="328" />
        <source>Message language</source>
        <translation>消息语言</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="329" />
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="330" />
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="333" />
        <source>Empty: notice_slips next to the station database</source>
        <translation>留空：使用站点数据库旁的 notice_slips 文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="334" />
        <source>SMS gateway (HTTP)</source>
        <translation>短信网关（HTTP）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="334" />
        <source>E-mail (SMTP)</source>
        <translation>电子邮件（SMTP）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="335" />
        <source>Notice slips (printed)</source>
        <translation>取件通知单（打印）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="338" />
        <source>On</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="338" />
        <source>Gateway address</source>
        <translation>网关地址</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="339" />
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="339" />
        <source>Key header</source>
        <translation>密钥请求头</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="340" />
        <source>Key prefix</source>
        <translation>密钥前缀</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="340" />
        <source>Request body</source>
        <translation>请求内容</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="341" />
        <source>Timeout (s)</source>
        <translation>超时（秒）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="341" />
        <source>Drops repeats</source>
        <translation>网关去重</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="342" />
        <source>Message id field</source>
        <translation>消息编号字段</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="342" />
        <source>Success field</source>
        <translation>成功标志字段</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="343" />
        <source>Success value</source>
        <translation>成功标志值</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="343" />
        <source>Mail server</source>
        <translation>邮件服务器</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="344" />
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="344" />
        <source>Security</source>
        <translation>加密方式</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="345" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="345" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="346" />
        <source>Sender address</source>
        <translation>发件人地址</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="346" />
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="349" />
        <source>Save message settings</source>
        <translation>保存消息设置</translation>
    </message>
</context>
<context>
    <name>Collected</name>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="27" />
        <source>{0} was handed back to the {1} courier by clerk {2} at {3} on {4}; it is not taken in again. Put it aside and show it to the owner.</source>
        <translation>{0} 已由店员 {2} 于 {4} {3} 退还给 {1} 快递员；不再重新入库。请把它放到一边交给站长。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="32" />
        <source>{0} was collected by {1}'s proxy {2}, handed out by clerk {3} at {4} on {5}; it is not taken in again. Put it aside and show it to the owner: someone may have been given the wrong parcel.</source>
        <translation>{0} 已由 {1} 的代取人 {2} 取走，店员 {3} 于 {5} {4} 交付；不再重新入库。请把它放到一边交给站长：可能有人拿错了包裹。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="37" />
        <source>{0} was collected by {1}, handed out by clerk {2} at {3} on {4}; it is not taken in again. Put it aside and show it to the owner: someone may have been given the wrong parcel.</source>
        <translation>{0} 已由 {1} 取走，店员 {2} 于 {4} {3} 交付；不再重新入库。请把它放到一边交给站长：可能有人拿错了包裹。</translation>
    </message>
</context>
<context>
    <name>CounterPage</name>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="124" />
        <location filename="../../ui/screens/settings_local.py" line="203" />
        <location filename="../../ui/screens/settings_local.py" line="204" />
        <location filename="../../ui/screens/settings_local.py" line="205" />
        <source>None: save PDF files</source>
        <translation>无：保存为 PDF 文件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="153" />
        <source>This counter's settings are saved.</source>
        <translation>本机设置已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="155" />
        <source>The new database is used from the next start.</source>
        <translation>新数据库将在下次启动时使用。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="163" />
        <source>Station database</source>
        <translation>驿站数据库</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="164" />
        <source>Station database (*.db);;All files (*)</source>
        <translation>驿站数据库 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="170" />
        <location filename="../../ui/screens/settings_local.py" line="193" />
        <source>Backup folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="178" />
        <source>Choose a backup folder first.</source>
        <translation>请先选择备份文件夹。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="180" />
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="182" />
        <source>Backup saved: {0} ({1} parcels).</source>
        <translation>备份已保存：{0}（{1} 件包裹）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="185" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="186" />
        <source>Counter name</source>
        <translation>柜台名称</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="187" />
        <source>Lock the screen after idle (min)</source>
        <translation>空闲多久后锁屏（分钟）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="188" />
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="189" />
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="190" />
        <location filename="../../ui/screens/settings_local.py" line="194" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="191" />
        <source>A file path, or postgresql://user:password@host/name for a station with several counters. Used from the next start.</source>
        <translation>文件路径；多柜台驿站可填 postgresql://用户:密码@主机/库名。下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="195" />
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="196" />
        <source>Label printer</source>
        <translation>标签打印机</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="197" />
        <source>Receipt printer</source>
        <translation>小票打印机</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="199" />
        <source>Print a shelf sticker for every intake</source>
        <translation>每次入库都打印货架标签</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="200" />
        <source>Sounds at intake (taken in, repeat scan, cash on delivery, refused)</source>
        <translation>入库提示音（已入库、重复扫描、到付、拒收）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="198" />
        <source>Report printer (A4)</source>
        <translation>报表打印机（A4）</translation>
    </message>
</context>
<context>
    <name>DailyTab</name>
    <message>
        <location filename="../../ui/screens/reports.py" line="140" />
        <source>{0} h</source>
        <translation>{0} 小时</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="147" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="158" />
        <source>Wrong scan {0} for {1}</source>
        <translation>扫错件 {0}（取件人 {1}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="163" />
        <source>Day closed</source>
        <translation>已日结</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="164" />
        <source>Day not closed yet</source>
        <translation>尚未日结</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="172" />
        <source>Export the daily report</source>
        <translation>导出日报表</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="180" />
        <source>Exporting {0}…</source>
        <translation>正在导出 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="180" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="226" />
        <source>Saved: {0}</source>
        <translation>已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="236" />
        <source>Export cancelled: no file was written.</source>
        <translation>已取消导出：未写入任何文件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="246" />
        <source>Day:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="248" />
        <source>Export {0}…</source>
        <translation>导出 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="249" />
        <source>Parcels</source>
        <translation>包裹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="250" />
        <source>Money taken by method</source>
        <translation>按方式收款</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="251" />
        <source>By carrier</source>
        <translation>按快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="252" />
        <source>By clerk</source>
        <translation>按店员</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="253" />
        <source>Received</source>
        <translation>入库</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="253" />
        <source>Collected</source>
        <translation>取件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="253" />
        <source>Returned</source>
        <translation>退回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="254" />
        <source>At the station at close</source>
        <translation>日终在库</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="254" />
        <source>Overdue at close</source>
        <translation>日终滞留</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="255" />
        <source>Hand-overs</source>
        <translation>取件次数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="255" />
        <source>Average time on shelf</source>
        <translation>平均在库时长</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="256" />
        <source>90% collected within</source>
        <translation>90% 在此时长内取走</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="256" />
        <source>Tickets opened</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="257" />
        <source>Tickets resolved</source>
        <translation>已解决工单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="257" />
        <source>Sends taken in</source>
        <translation>收寄件数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="258" />
        <source>Send revenue</source>
        <translation>寄件收入</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="258" />
        <source>Sends handed to couriers</source>
        <translation>已交快递员寄件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="259" />
        <source>Sends voided</source>
        <translation>作废寄件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="262" />
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="262" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="264" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="264" />
        <source>Overdue</source>
        <translation>滞留</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="265" />
        <location filename="../../ui/screens/reports.py" line="268" />
        <source>Clerk</source>
        <translation>店员</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="266" />
        <source>Hand-ticks and near misses</source>
        <translation>手动勾选与险些出错</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="268" />
        <source>Ticked by hand</source>
        <translation>手动勾选</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="268" />
        <source>Wrong parcel scanned</source>
        <translation>扫错件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="269" />
        <source>Failed ID checks</source>
        <translation>证件核验失败</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="269" />
        <source>Several people matched</source>
        <translation>多人匹配</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="270" />
        <source>Found nothing</source>
        <translation>查无结果</translation>
    </message>
</context>
<context>
    <name>DamageDialog</name>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="292" />
        <source>Damaged parcel</source>
        <translation>破损件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="295" />
        <source>What is damaged? (wet, torn, crushed, open…)</source>
        <translation>哪里破损？（受潮、破裂、压坏、开封…）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="303" />
        <source>Take photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="310" />
        <source>Mark damaged (Ctrl+Enter)</source>
        <translation>标记破损 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="319" />
        <source>No camera connected: describe the damage.</source>
        <translation>未连接摄像头：请用文字描述破损情况。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="322" />
        <source>Camera: {0}</source>
        <translation>摄像头：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="337" />
        <source>Photo saved: {0}</source>
        <translation>照片已保存：{0}</translation>
    </message>
</context>
<context>
    <name>DashboardCharts</name>
    <message>
        <location filename="../../ui/widgets/charts.py" line="236" />
        <source>Last {0} days: in vs out</source>
        <translation>最近 {0} 天：入库与出库</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="237" />
        <location filename="../../ui/widgets/charts.py" line="271" />
        <source>In</source>
        <translation>入库</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="238" />
        <location filename="../../ui/widgets/charts.py" line="272" />
        <source>Collected</source>
        <translation>取件</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="239" />
        <source>Returned</source>
        <translation>退回</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="240" />
        <source>At the station (right axis)</source>
        <translation>在库（右轴）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="242" />
        <source>{0}: {1} parcels</source>
        <translation>{0}：{1} 件</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="245" />
        <source>Time on shelf</source>
        <translation>在库时长</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="247" />
        <source>Collected in the period</source>
        <translation>期间内已取件</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="249" />
        <source>Still at the station</source>
        <translation>仍在库</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="251" />
        <source>{0} parcels</source>
        <translation>{0} 件</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="258" />
        <source>Shelf {0}: {1} of {2} places free</source>
        <translation>货架 {0}：{2} 个位置中空闲 {1} 个</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="260" />
        <source>Shelf {0}, size {1}: {2} of {3} places used</source>
        <translation>货架 {0}，{1} 号件：{3} 个位置已用 {2} 个</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="264" />
        <source>Shelf occupancy by size</source>
        <translation>各货架占用（按尺寸）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="267" />
        <source>Free</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="270" />
        <source>Busiest hours (whole period)</source>
        <translation>繁忙时段（整个期间）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="273" />
        <source>{0}:00–{0}:59: {1} parcels</source>
        <translation>{0}:00–{0}:59：{1} 件</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="278" />
        <source>≥{0} d</source>
        <translation>≥{0} 天</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="280" />
        <source>{0}–{1} h</source>
        <translation>{0}–{1} 小时</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="281" />
        <source>{0}–{1} d</source>
        <translation>{0}–{1} 天</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="297" />
        <source>Shelf {0}, size {1}</source>
        <translation>货架 {0}，{1} 号件</translation>
    </message>
</context>
<context>
    <name>DashboardPanel</name>
    <message>
        <location filename="../../ui/widgets/charts.py" line="423" />
        <source>Collected after {0} h on average; 90% within {1} h.</source>
        <translation>平均 {0} 小时后取件；90% 在 {1} 小时内取走。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="426" />
        <source>Sends: {0}, revenue ¥{1}.</source>
        <translation>寄件 {0} 件，收入 ¥{1}。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="440" />
        <source>Last 30 days up to:</source>
        <translation>最近 30 天，截至：</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="441" />
        <source>Click a bar to see the parcels behind it.</source>
        <translation>点击柱条查看对应的包裹。</translation>
    </message>
</context>
<context>
    <name>DayCloseScreen</name>
    <message>
        <location filename="../../ui/screens/day_close.py" line="283" />
        <source>Open: not closed yet</source>
        <translation>营业中：尚未日结</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="286" />
        <source>Closed {0} by {1} ({2}). Corrections are booked on {3}.</source>
        <translation>已于 {0} 由 {1} 日结（{2}）。更正将记入 {3}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="300" />
        <source>Reason (required):</source>
        <translation>原因（必填）：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="301" />
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="316" />
        <location filename="../../ui/screens/day_close.py" line="419" />
        <source>Close the day</source>
        <translation>日结</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="317" />
        <source>Close {0} with {1} counted? A closed day can never be changed; later corrections are booked on the next open day.</source>
        <translation>以清点金额 {1} 日结 {0}？日结后不能再修改；之后的更正将记入下一个营业日。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="331" />
        <source>{0} is closed ({1}). Variance {2}.</source>
        <translation>{0} 已日结（{1}）。差额 {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="384" />
        <source>Reverse a payment</source>
        <translation>冲正收款</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="385" />
        <source>Entry {0}, {1}: why is it reversed? The reversal is booked on {2}.</source>
        <translation>第 {0} 笔，{1}：冲正原因？冲正记入 {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="395" />
        <source>Entry {0} reversed: {1} booked on {2}.</source>
        <translation>第 {0} 笔已冲正：{1} 记入 {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="401" />
        <source>Cash on delivery</source>
        <translation>到付/代收</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="401" />
        <source>Freight</source>
        <translation>运费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="402" />
        <source>Storage fee</source>
        <translation>保管费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="402" />
        <source>Send</source>
        <translation>寄件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="403" />
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="403" />
        <source>Reversal</source>
        <translation>冲正</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="412" />
        <source>Day close is for the station owner only. Ask the owner to log in.</source>
        <translation>日结仅限站长操作。请站长登录。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="414" />
        <source>Business day:</source>
        <translation>营业日：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="415" />
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="416" />
        <source>Cash drawer count</source>
        <translation>钱箱清点</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="417" />
        <source>Expected and counted</source>
        <translation>应收与实收</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="418" />
        <source>Why the count differs, e.g. change given twice</source>
        <translation>差额原因，如：找零多给</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="420" />
        <location filename="../../ui/screens/day_close.py" line="422" />
        <source>Z-report A4…</source>
        <translation>日结报告 A4…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="421" />
        <location filename="../../ui/screens/day_close.py" line="423" />
        <source>Z-report 80 mm…</source>
        <translation>日结报告 80 mm…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="424" />
        <source>Reverse the selected entry…</source>
        <translation>冲正所选账目…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="425" />
        <source>Ledger entries of the day</source>
        <translation>当日账目</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="426" />
        <source>Closed days (double-click to open)</source>
        <translation>已日结的日期（双击打开）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="428" />
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="428" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="428" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="428" />
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="429" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="429" />
        <location filename="../../ui/screens/day_close.py" line="432" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="429" />
        <source>Reverses</source>
        <translation>冲正对象</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="431" />
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="431" />
        <source>Expected</source>
        <translation>应收</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="431" />
        <source>Counted</source>
        <translation>实收</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="431" />
        <source>Variance</source>
        <translation>差额</translation>
    </message>
    <message>
        <location filename="../../ui/screens/day_close.py" line="432" />
        <source>Closed by</source>
        <translation>日结人</translation>
    </message>
</context>
<context>
    <name>DenominationCounter</name>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="76" />
        <source>Drawer total: {0}</source>
        <translation>钱箱合计：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="84" />
        <source>Note / coin</source>
        <translation>面额</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="85" />
        <source>Pieces</source>
        <translation>张/枚</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="86" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="244" />
        <source>Scale settings saved.</source>
        <translation>电子秤设置已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="247" />
        <source>The scale of this counter. Without one, weights are typed at intake.</source>
        <translation>本柜台的电子秤。没有电子秤时，入库时手动输入重量。</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../ui/screens/common.py" line="114" />
        <source>Unexpected problem: {0}. Nothing further was changed; please report it.</source>
        <translation>意外问题：{0}。未做进一步更改，请报告此问题。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="122" />
        <source>Wrong PIN ({0} tries left before the account locks).</source>
        <translation>PIN 码错误（还可尝试 {0} 次，之后账号将被锁定）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="125" />
        <source>Unknown user name or wrong PIN.</source>
        <translation>用户名不存在或 PIN 码错误。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="128" />
        <source>This account is locked after too many wrong PINs. Try again in {0} min, or ask the owner to reset the PIN.</source>
        <translation>PIN 码错误次数过多，账号已锁定。请 {0} 分钟后再试，或请站长重置 PIN 码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="134" />
        <source>{0} is already here: {1}, pickup code {2} ({3}). Nothing was changed.</source>
        <translation>{0} 已在站内：{1}，取件码 {2}（{3}）。未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="143" />
        <source>This number is not in a loaded manifest: type the recipient's phone number (or the last 4 digits and extension from a privacy label).</source>
        <translation>此单号不在已导入的预报清单中：请输入收件人手机号（隐私面单可输入后4位和分机号）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="149" />
        <source>This recipient asked for door delivery. Call them and choose 'Phone call: they agreed' under Consent, or give the parcel back to the courier.</source>
        <translation>该收件人要求送货上门。请致电收件人并在“同意方式”中选择“电话询问：已同意”，或把包裹退还给快递员。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="155" />
        <source>Nobody has said yet that the recipient agreed to collect this parcel here. Ask the courier or call the recipient, then choose how they agreed.</source>
        <translation>还没有人确认收件人同意在本站取件。请询问快递员或致电收件人，然后选择同意方式。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="161" />
        <source>{0} already left the station; it is not taken in again. Put it aside and show it to the owner.</source>
        <translation>{0} 已经离站；不再重新入库。请把它放到一边交给站长。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="166" />
        <source>No shelf has room for a size-{0} parcel. Free some space, add a layer or shelf, or choose another size.</source>
        <translation>没有货架能放下 {0} 号件。请腾出空间、增加层或货架，或选择其他尺寸。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="172" />
        <source>An ID check is needed for this pickup (cash on delivery, proxy pickup or station policy): enter the ID type and number.</source>
        <translation>此次取件需要核验身份（到付、代取或驿站规定）：请输入证件类型和号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="178" />
        <source>The name on the ID does not match. Do not hand over the parcel.</source>
        <translation>证件上的姓名不符。请勿交付包裹。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="182" />
        <source>The ID number is not valid. Check the document and type it again.</source>
        <translation>证件号码无效。请核对证件后重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="185" />
        <source>Too many failed ID checks for this parcel. Only the owner can hand it over now.</source>
        <translation>此包裹身份核验失败次数过多，现在只有站长可以交付。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="190" />
        <source>Cash on delivery is due: choose cash, WeChat Pay, Alipay or card.</source>
        <translation>需收到付款：请选择现金、微信支付、支付宝或刷卡。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="194" />
        <source>The cash tendered is less than the amount due.</source>
        <translation>实收现金少于应收金额。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="196" />
        <source>These parcels belong to different people. Hand them over separately.</source>
        <translation>这些包裹属于不同的人，请分别交付。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="200" />
        <source>{0} cannot be handed out: it is {1}.</source>
        <translation>{0} 不能出库：当前状态为{1}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="204" />
        <source>Another counter has just handed out one of these parcels. Look them up again.</source>
        <translation>另一个柜台刚刚交付了其中一件包裹，请重新查询。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="209" />
        <source>The station database is busy. Wait a moment and try again.</source>
        <translation>驿站数据库正忙，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="211" />
        <source>The station database cannot be used: {0}</source>
        <translation>无法使用驿站数据库：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="213" />
        <source>Only the station owner can do this. Ask the owner to log in.</source>
        <translation>只有站长可以执行此操作，请站长登录。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="215" />
        <source>No such parcel at this station: {0}</source>
        <translation>本站没有此包裹：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="219" />
        <source>{0} is full for this size: choose another slot.</source>
        <translation>{0} 已放满该尺寸的包裹：请选择其他货位。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="223" />
        <source>Shelf {0} still holds {1} parcels: move them first.</source>
        <translation>货架 {0} 上还有 {1} 件包裹：请先移走。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="233" />
        <source>This is not a tracking number: scan the barcode again.</source>
        <translation>这不是快递单号：请重新扫描条码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="236" />
        <source>This phone number cannot be used. Check it and type it again.</source>
        <translation>手机号码有误，请核对后重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="239" />
        <source>Not an amount: type it like 12.50.</source>
        <translation>金额格式不对：请按 12.50 这样输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="241" />
        <source>There is no such shelf or slot. Slots are named like A-3 (shelf-layer).</source>
        <translation>没有这个货架或货位。货位写作 A-3（货架-层）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="244" />
        <source>A shelf is named with 1-3 letters and has 1-20 layers; capacities are 0-999 per size.</source>
        <translation>货架名为 1-3 个字母，1-20 层；每种尺寸容量为 0-999。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="247" />
        <source>That name is already taken.</source>
        <translation>该名称已被使用。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="249" />
        <source>A PIN needs 4 to 64 characters.</source>
        <translation>PIN 码需要 4 到 64 个字符。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="251" />
        <source>Refused: {0}</source>
        <translation>操作被拒绝：{0}</translation>
    </message>
</context>
<context>
    <name>HandTickDialog</name>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="68" />
        <source>No scanner at this counter</source>
        <translation>本柜台没有扫码枪</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="69" />
        <source>Label unreadable or torn</source>
        <translation>面单看不清或破损</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="70" />
        <source>Barcode does not scan</source>
        <translation>条码扫不出来</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="71" />
        <source>Other (say why below)</source>
        <translation>其他（请在下面说明）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="85" />
        <source>Say why in a few words (at least {0} characters).</source>
        <translation>请简单说明原因（至少 {0} 个字）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="99" />
        <source>Tick by hand</source>
        <translation>手动勾选</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="101" />
        <source>{0} ({1}) is ticked without a scan. Check the label against the list yourself, then say why it cannot be scanned. Hand ticks are counted in the daily report.</source>
        <translation>{0}（{1}）将不扫码直接勾选。请亲自核对面单与列表，然后说明无法扫码的原因。手动勾选会计入每日报表。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="104" />
        <source>Why not scanned</source>
        <translation>未扫码原因</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="105" />
        <source>Details</source>
        <translation>详细说明</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="108" />
        <source>Tick it</source>
        <translation>勾选</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="109" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>HandoverPanel</name>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="183" />
        <source>Scanned {0} of {1}</source>
        <translation>已扫描 {0} / {1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="193" />
        <source>NOT FOR RETURN: {0} is not marked for return. Keep it on the shelf!</source>
        <translation>不可退回：{0} 未标记退回。请留在货架上！</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="198" />
        <source>WRONG COURIER: {0} goes back with {1}, not with this courier. Keep it for the {1} courier!</source>
        <translation>快递员不对：{0} 应退给{1}，不是这位快递员。请留给{1}的快递员！</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="204" />
        <source>{0} is already scanned.</source>
        <translation>{0} 已扫描。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="210" />
        <source>✓ {0} ({1}) leaves. {2} more marked for this carrier.</source>
        <translation>✓ {0}（{1}）出库。该快递公司还有 {2} 件待退。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="217" />
        <source>Select a parcel in the list first.</source>
        <translation>请先在列表中选择一个包裹。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="226" />
        <source>{0} stays on the shelf (no longer marked for return).</source>
        <translation>{0} 留在货架上（已取消退回）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="235" />
        <source>Scan each parcel as it leaves first.</source>
        <translation>请先逐件扫描出库的包裹。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="239" />
        <source>Type the courier's name.</source>
        <translation>请输入快递员姓名。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="243" />
        <source>The courier signs on the pad first.</source>
        <translation>请快递员先在签字板上签字。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="247" />
        <source>Handing over…</source>
        <translation>正在交接…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="259" />
        <source>Handed over to {0}: {1} parcel(s), manifest {2}.</source>
        <translation>已交给 {0}：{1} 件，交接单 {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="262" />
        <source>{0} not scanned stay on the shelf.</source>
        <translation>{0} 件未扫描，留在货架上。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="284" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="285" />
        <source>Courier's name</source>
        <translation>快递员姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="286" />
        <source>As on the courier's badge</source>
        <translation>与快递员工牌一致</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="287" />
        <source>Tracking number</source>
        <translation>运单号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="287" />
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="288" />
        <source>Pickup code</source>
        <translation>取件码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="288" />
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="288" />
        <source>Scanned</source>
        <translation>已扫描</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="289" />
        <source>Keep on shelf (cancel return)</source>
        <translation>留在货架（取消退回）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="290" />
        <source>Courier's signature</source>
        <translation>快递员签字</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="291" />
        <source>Courier signs here</source>
        <translation>快递员在此签字</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="293" />
        <source>Clear signature</source>
        <translation>清除签字</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns_handover.py" line="294" />
        <source>Complete hand-over (F12)</source>
        <translation>完成交接（F12）</translation>
    </message>
</context>
<context>
    <name>HandoverTable</name>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="161" />
        <source>ID check</source>
        <translation>核验身份</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="163" />
        <source>damaged</source>
        <translation>破损</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="236" />
        <source>Pickup code</source>
        <translation>取件码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="236" />
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="236" />
        <source>Tracking number</source>
        <translation>快递单号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="237" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="237" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="237" />
        <source>COD</source>
        <translation>到付</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="237" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="165" />
        <source>storage fee {0}</source>
        <translation>滞留费 {0}</translation>
    </message>
</context>
<context>
    <name>IdCheckDialog</name>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="123" />
        <source>Type the number printed on the document.</source>
        <translation>请输入证件上的号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="129" />
        <source>✓ The number is valid</source>
        <translation>✓ 号码有效</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="132" />
        <source>This is not a valid number for this document. Check it and type it again.</source>
        <translation>该证件号码无效，请核对后重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="139" />
        <source>Type the proxy's name first.</source>
        <translation>请先输入代取人姓名。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="143" />
        <source>Type the name on the document.</source>
        <translation>请输入证件上的姓名。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="147" />
        <source>✗ Does not match {0}: do not hand over</source>
        <translation>✗ 与 {0} 不符：请勿交付</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="152" />
        <source>✓ Matches {0}</source>
        <translation>✓ 与 {0} 相符</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="181" />
        <source>ID check</source>
        <translation>核验身份</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="183" />
        <source>Proxy pickup for {0}: check the proxy's ID.</source>
        <translation>代 {0} 取件：请核验代取人的证件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="186" />
        <source>Check the ID of {0}.</source>
        <translation>请核验 {0} 的证件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="187" />
        <source>Someone else collects (proxy pickup)</source>
        <translation>他人代取</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="188" />
        <source>Proxy's name</source>
        <translation>代取人姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="189" />
        <source>Proxy's phone</source>
        <translation>代取人手机</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="190" />
        <source>Document</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="191" />
        <source>Number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="192" />
        <source>Name on the document</source>
        <translation>证件姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="195" />
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="196" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>IdType</name>
    <message>
        <location filename="../../ui/screens/common.py" line="55" />
        <source>Resident ID card</source>
        <translation>居民身份证</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="56" />
        <source>Passport</source>
        <translation>护照</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="57" />
        <source>Hong Kong/Macau permit</source>
        <translation>港澳通行证</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="58" />
        <source>Taiwan permit</source>
        <translation>台湾通行证</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="59" />
        <source>Other document</source>
        <translation>其他证件</translation>
    </message>
</context>
<context>
    <name>IntakeFeedback</name>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="65" />
        <source>Put it on {0}</source>
        <translation>请放到 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="67" />
        <source> — marked damaged</source>
        <translation> — 已标记破损</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="69" />
        <source> — cash on delivery</source>
        <translation> — 到付/代收货款</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="70" />
        <source>Taken in: {0} → {1}, code {2}</source>
        <translation>已入库：{0} → {1}，取件码 {2}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="76" />
        <source>ALREADY ON THE SHELF</source>
        <translation>已在货架上</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="79" />
        <source>{0} is already here: {1}, pickup code {2}. Nothing was changed.</source>
        <translation>{0} 已在站内：{1}，取件码 {2}。未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="86" />
        <source>ALREADY HANDED BACK</source>
        <translation>已退回快递员</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="87" />
        <source>ALREADY COLLECTED</source>
        <translation>已被取走</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="93" />
        <source>NOT TAKEN IN</source>
        <translation>未入库</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="111" />
        <source>WHO IS IT FOR?</source>
        <translation>收件人是谁？</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="116" />
        <source>UNDONE</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="117" />
        <source>Take {0} off the shelf and scan it again.</source>
        <translation>请把 {0} 从货架上取下并重新扫描。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_feedback.py" line="130" />
        <source>Before: {0}</source>
        <translation>之前：{0}</translation>
    </message>
</context>
<context>
    <name>IntakeScreen</name>
    <message>
        <location filename="../../ui/screens/intake.py" line="178" />
        <source>{0} is already waiting for the recipient's details.</source>
        <translation>{0} 已在等待填写收件人信息。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="185" />
        <source>Checking {0}…</source>
        <translation>正在查询 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="218" />
        <source>{0} needs the recipient's details: it waits behind {1} ({2} waiting).</source>
        <translation>{0} 需要填写收件人信息：排在 {1} 之后（{2} 件等待中）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="242" />
        <source>{0}: the recipient asked for door delivery. Call for consent first.</source>
        <translation>{0}：收件人要求送货上门。请先电话征得同意。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="246" />
        <source>{0} is not in a loaded manifest: type the phone number, Enter, name, Enter, size, Enter.</source>
        <translation>{0} 不在预报清单中：输入手机号，回车；姓名，回车；尺寸，回车。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="265" />
        <source>Taking in {0}…</source>
        <translation>正在入库 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="303" />
        <source>{0} was not taken in.</source>
        <translation>{0} 未入库。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="326" />
        <source>Taken in this session: {0}</source>
        <translation>本班次已入库：{0} 件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="340" />
        <source>Damaged: {0} (goes with the next parcel)</source>
        <translation>破损：{0}（用于下一件包裹）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="159" />
        <source>Size for the next scan: {0}</source>
        <translation>下一件的尺寸：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="358" />
        <source>Intake of {0} was undone; its slot is free again.</source>
        <translation>{0} 的入库已撤销，货位已释放。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="374" />
        <source>Scan (F1)</source>
        <translation>扫描 (F1)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="375" />
        <source>Scan or type the tracking number, Enter</source>
        <translation>扫描或输入快递单号，回车</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="376" />
        <source>Size (Ctrl+1–4):</source>
        <translation>尺寸 (Ctrl+1–4)：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="377" />
        <source>Damaged… (F6)</source>
        <translation>破损… (F6)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="378" />
        <source>Undo last intake (Ctrl+Z)</source>
        <translation>撤销上一件入库 (Ctrl+Z)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="380" />
        <source>Scan a parcel: its pickup code appears here</source>
        <translation>扫描包裹后，取件码显示在这里</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../ui/screens/common.py" line="66" />
        <source>en</source>
        <translation>zh_CN</translation>
    </message>
</context>
<context>
    <name>LogList</name>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="248" />
        <source>Call: {0}</source>
        <translation>回访：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="250" />
        <source>Claim {0}</source>
        <translation>索赔 {0}</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <location filename="../../ui/screens/login.py" line="134" />
        <source>Screen locked. Type your PIN to continue, or log in as another user.</source>
        <translation>屏幕已锁定。输入 PIN 码继续，或以其他用户登录。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="156" />
        <source>The station database is not open yet.</source>
        <translation>驿站数据库尚未打开。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="160" />
        <source>Type your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="164" />
        <source>Type your PIN.</source>
        <translation>请输入 PIN 码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="169" />
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="200" />
        <source>The lock has expired: you can try again.</source>
        <translation>锁定已解除：可以重试。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="203" />
        <source>This account is locked after too many wrong PINs. Try again in {0} min, or ask the owner to reset the PIN.</source>
        <translation>PIN 码错误次数过多，账号已锁定。请 {0} 分钟后再试，或请站长重置 PIN 码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="208" />
        <source>Station database</source>
        <translation>驿站数据库</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="209" />
        <source>Station database (*.db);;All files (*)</source>
        <translation>驿站数据库 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="226" />
        <source>Parcel Station</source>
        <translation>快递驿站</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="228" />
        <source>Locked by {0}</source>
        <translation>{0} 已锁屏</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="230" />
        <source>Log in to start your shift</source>
        <translation>登录开始当班</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="231" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="232" />
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="233" />
        <source>e.g. amy</source>
        <translation>例如 amy</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="234" />
        <source>Log in (Enter)</source>
        <translation>登录（回车）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="235" />
        <source>Choose another database file…</source>
        <translation>选择其他数据库文件…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="238" />
        <source>Opening the station database…</source>
        <translation>正在打开驿站数据库…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="248" />
        <source>Upgrading the station database for this version of Parcel Station (step {0} of {1})… On a big station this takes a few minutes, once. Keep the program open.</source>
        <translation>正在为新版本升级驿站数据库（第 {0} 步，共 {1} 步）……数据多的驿站需要几分钟，只升级一次。请不要关闭程序。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="294" />
        <source>The station is ready. Add your clerks in Settings (F9) → Staff; scan a parcel to take it in.</source>
        <translation>驿站已设置好。请在 设置（F9）→ 员工 中添加店员；扫描包裹即可入库。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="492" />
        <source>Intake</source>
        <translation>入库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="492" />
        <source>Pickup</source>
        <translation>取件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="493" />
        <source>Parcels</source>
        <translation>包裹</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="493" />
        <source>Shelves</source>
        <translation>货架</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="494" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="497" />
        <source>Send</source>
        <translation>寄件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="501" />
        <source>Lock (Ctrl+L)</source>
        <translation>锁屏 (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="503" />
        <source>Parcel Station</source>
        <translation>快递驿站</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="521" />
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="523" />
        <source>owner</source>
        <translation>站长</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="523" />
        <source>clerk</source>
        <translation>店员</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="524" />
        <source>Clerk: {0} ({1})</source>
        <translation>当班：{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="525" />
        <source>Counter: {0}</source>
        <translation>柜台：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="527" />
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="529" />
        <source>Database: not open</source>
        <translation>数据库：未打开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="531" />
        <source>Scale: none (type weights)</source>
        <translation>电子秤：无（手动输入重量）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="533" />
        <source>Scale: {0} g</source>
        <translation>电子秤：{0} 克</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="535" />
        <source>Scale: waiting</source>
        <translation>电子秤：等待稳定</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="543" />
        <source>Label printer: {0}</source>
        <translation>标签打印机：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="545" />
        <source>Label printer: none (PDF files)</source>
        <translation>标签打印机：无（保存 PDF）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="494" />
        <source>Returns</source>
        <translation>退件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="212" />
        <source>Not printed: {0} (Alt+P)</source>
        <translation>未打印：{0}（Alt+P）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="495" />
        <source>Stocktake</source>
        <translation>盘点</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="495" />
        <source>Tickets</source>
        <translation>异常件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="496" />
        <source>Day close</source>
        <translation>日结</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="496" />
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="497" />
        <source>Messages</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>MethodCounts</name>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="181" />
        <source>A reason is needed when a method differs from the ledger by more than {0}.</source>
        <translation>任一收款方式与账目相差超过 {0} 时须填写原因。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="191" />
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="191" />
        <source>Expected</source>
        <translation>应收</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="192" />
        <source>Counted</source>
        <translation>实收</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="192" />
        <source>Variance</source>
        <translation>差额</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="197" />
        <source>Counted = expected (checked against the terminal's day summary)</source>
        <translation>实收 = 应收（已与收款终端的日汇总核对）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/denomination_counter.py" line="199" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>NewTicketForm</name>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="197" />
        <source>Write what happened (the note).</source>
        <translation>请填写情况说明。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="201" />
        <source>The claim is not an amount: type it like 12.50.</source>
        <translation>索赔金额格式不对：请输入如 12.50。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="215" />
        <source>New ticket</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="221" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="221" />
        <source>Parcel</source>
        <translation>包裹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="222" />
        <source>Customer contact</source>
        <translation>客户联系方式</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="222" />
        <source>What happened</source>
        <translation>情况说明</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="223" />
        <source>Claim (yuan)</source>
        <translation>索赔（元）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="223" />
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="226" />
        <source>Scan the parcel, or leave empty (phone complaint)</source>
        <translation>扫描包裹，或留空（电话投诉）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="228" />
        <source>Name and phone number</source>
        <translation>姓名和电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="229" />
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="230" />
        <source>Open ticket</source>
        <translation>创建工单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="231" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>OutboxScreen</name>
    <message>
        <location filename="../../ui/screens/outbox.py" line="135" />
        <source>{0} message(s) need the owner</source>
        <translation>{0} 条消息需要站长处理</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="144" />
        <source>All messages ({0})</source>
        <translation>全部消息（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="154" />
        <source>Select a message to see its text.</source>
        <translation>选择一条消息查看内容。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="157" />
        <source>#{0} to {1} by {2}: {3}, {4} attempt(s)</source>
        <translation>#{0} 发给 {1}，渠道 {2}：{3}，已尝试 {4} 次</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="161" />
        <source>Sent {0}</source>
        <translation>发送于 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="163" />
        <source>Last error: {0}</source>
        <translation>最近错误：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="175" />
        <source>Only the owner sends a message again or dismisses it.</source>
        <translation>只有站长可以重发或撤销消息。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="189" />
        <source>Message #{0} will be sent again now.</source>
        <translation>消息 #{0} 将立即重发。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="193" />
        <source>Message #{0} dismissed.</source>
        <translation>消息 #{0} 已撤销。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="198" />
        <source>Sending due messages now…</source>
        <translation>正在发送待发消息…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="211" />
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="211" />
        <source>Sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="212" />
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="212" />
        <source>Retrying</source>
        <translation>重试中</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="213" />
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="213" />
        <source>Interrupted (check)</source>
        <translation>中断（请核实）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="214" />
        <source>Dismissed</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="218" />
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="218" />
        <source>E-mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="218" />
        <source>Slip</source>
        <translation>通知单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="222" />
        <source>printed slip</source>
        <translation>打印通知单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="225" />
        <source>Arrival</source>
        <translation>到件通知</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="225" />
        <source>Reminder</source>
        <translation>催取提醒</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="226" />
        <source>Last notice</source>
        <translation>最后通知</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="235" />
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="236" />
        <source>Templates (owner)</source>
        <translation>模板（站长）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="237" />
        <source>Channels (owner)</source>
        <translation>渠道（站长）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="248" />
        <source>Same channel</source>
        <translation>原渠道</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="249" />
        <source>by SMS</source>
        <translation>改用短信</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="249" />
        <source>by e-mail</source>
        <translation>改用邮件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="250" />
        <source>as a notice slip</source>
        <translation>改为通知单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="252" />
        <source>Send due messages now</source>
        <translation>立即发送待发消息</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="253" />
        <source>Send again</source>
        <translation>重发</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="254" />
        <source>Dismiss</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="255" />
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="255" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="255" />
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="256" />
        <source>To</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="256" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="256" />
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="257" />
        <source>Next attempt</source>
        <translation>下次尝试</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="257" />
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox.py" line="258" />
        <source>Messages to recipients go out in the background. Red: failed; amber: interrupted — ask the recipient before sending again.</source>
        <translation>给收件人的消息在后台发送。红色：失败；黄色：中断——重发前请先向收件人核实。</translation>
    </message>
</context>
<context>
    <name>Paper</name>
    <message>
        <location filename="../../ui/screens/paper.py" line="61" />
        <location filename="../../ui/screens/report_print.py" line="27" />
        <source>Saved: {0}</source>
        <translation>已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/paper.py" line="73" />
        <location filename="../../ui/screens/report_print.py" line="37" />
        <source>Not printed: {0}</source>
        <translation>未打印：{0}</translation>
    </message>
</context>
<context>
    <name>ParcelBox</name>
    <message>
        <location filename="../../ui/screens/send_form.py" line="280" />
        <source>{0} (no rate card)</source>
        <translation>{0}（无费率）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="304" />
        <source>— what is inside? —</source>
        <translation>— 内件是什么？—</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="310" />
        <source>{0} (prohibited)</source>
        <translation>{0}（禁寄）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="338" />
        <source>from the scale</source>
        <translation>来自电子秤</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="340" />
        <source>typed</source>
        <translation>手工输入</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="369" />
        <source>Parcel</source>
        <translation>包裹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="370" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="370" />
        <source>Waybill no.</source>
        <translation>运单号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="370" />
        <source>Contents</source>
        <translation>物品类别</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="371" />
        <source>Description</source>
        <translation>内件描述</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="371" />
        <source>Declared value</source>
        <translation>声明价值</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="371" />
        <source>Insurance</source>
        <translation>保价</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="372" />
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="372" />
        <source>L × W × H</source>
        <translation>长 × 宽 × 高</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="375" />
        <source>e.g. 2 books, a phone case</source>
        <translation>如：书 2 本、手机壳</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="376" />
        <source>scan a pre-printed waybill, or leave empty</source>
        <translation>扫描预印面单，或留空</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="377" />
        <source>yuan, what the contents are worth</source>
        <translation>元，内件价值</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="378" />
        <source>Insure it (保价)</source>
        <translation>按声明价值保价</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="379" />
        <source>not weighed</source>
        <translation>未称重</translation>
    </message>
</context>
<context>
    <name>ParcelDetail</name>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="165" />
        <location filename="../../ui/screens/parcel_detail.py" line="326" />
        <source>Select a parcel to see its history.</source>
        <translation>选择一件包裹查看其记录。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="176" />
        <source>(own number not known)</source>
        <translation>（本人号码未知）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="231" />
        <source>Type the slot to move to, e.g. B-2.</source>
        <translation>请输入要移到的货位，如 B-2。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="244" />
        <source>Type the recipient's own full number.</source>
        <translation>请输入收件人本人的完整号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="248" />
        <source>Say why (e.g. 'recipient gave it').</source>
        <translation>请说明原因（例如“收件人本人提供”）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="257" />
        <source>{0}: phone is now {1}.</source>
        <translation>{0}：电话已改为 {1}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="264" />
        <source>{0}: now {1}, {2}.</source>
        <translation>{0}：现为{1}，{2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="270" />
        <source>Pickup {0} undone: {1}</source>
        <translation>取件 {0} 已撤销：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="282" />
        <source>Taken in</source>
        <translation>入库</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="282" />
        <source>Picked up</source>
        <translation>已取件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="283" />
        <source>Moved</source>
        <translation>移位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="283" />
        <source>Marked for return</source>
        <translation>标记退回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="284" />
        <source>Return cancelled</source>
        <translation>取消退回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="285" />
        <source>Handed to courier</source>
        <translation>交快递员</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="286" />
        <source>Marked missing</source>
        <translation>标记丢失</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="286" />
        <location filename="../../ui/screens/parcel_detail.py" line="317" />
        <source>Found</source>
        <translation>已找到</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="287" />
        <source>ID check failed</source>
        <translation>身份核验失败</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="290" />
        <source>Phone recorded or corrected</source>
        <translation>已登记或更正电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="291" />
        <source>Scanned again after it left</source>
        <translation>离站后再次被扫描</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="292" />
        <source>Pickup undone</source>
        <translation>取件已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="302" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="302" />
        <source>Pickup code</source>
        <translation>取件码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="302" />
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="303" />
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="303" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="303" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="303" />
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="304" />
        <source>COD</source>
        <translation>到付</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="304" />
        <source>Received</source>
        <translation>入库时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="304" />
        <source>Left</source>
        <translation>出站时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="304" />
        <source>Days here</source>
        <translation>在站天数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="305" />
        <source>Damage</source>
        <translation>破损</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="308" />
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="309" />
        <source>New slot, e.g. B-2</source>
        <translation>新货位，如 B-2</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="310" />
        <source>Move</source>
        <translation>移位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="311" />
        <source>Recipient's own phone</source>
        <translation>收件人本人电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="312" />
        <source>Why (e.g. recipient gave it)</source>
        <translation>原因（例如收件人本人提供）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="313" />
        <source>Correct phone</source>
        <translation>更正电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="314" />
        <source>Mark for return</source>
        <translation>标记退回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="315" />
        <source>Cancel return</source>
        <translation>取消退回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="316" />
        <source>Mark missing</source>
        <translation>标记丢失</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="320" />
        <source>History</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="321" />
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="321" />
        <source>What</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="322" />
        <source>Who / detail</source>
        <translation>操作人 / 详情</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="318" />
        <source>Reprint sticker…</source>
        <translation>补打货架贴…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="319" />
        <source>Reprint receipt…</source>
        <translation>补打取件凭证…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="288" />
        <source>Sticker reprinted</source>
        <translation>已补打货架贴</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="289" />
        <source>Receipt reprinted</source>
        <translation>已补打取件凭证</translation>
    </message>
</context>
<context>
    <name>ParcelListDialog</name>
    <message>
        <location filename="../../ui/widgets/charts.py" line="320" />
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="324" />
        <source>Tracking number</source>
        <translation>运单号</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="324" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="324" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="325" />
        <source>Pickup code</source>
        <translation>取件码</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="325" />
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="325" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="325" />
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="326" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="326" />
        <source>Received</source>
        <translation>入库</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="326" />
        <source>Left</source>
        <translation>离站时间</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="349" />
        <source>{0} parcels (the first {1} shown)</source>
        <translation>共 {0} 件（显示前 {1} 件）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/charts.py" line="352" />
        <source>{0} parcels</source>
        <translation>{0} 件</translation>
    </message>
</context>
<context>
    <name>ParcelTableModel</name>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="66" />
        <source>Received</source>
        <translation>入库时间</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="67" />
        <source>Tracking number</source>
        <translation>快递单号</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="68" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="70" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="71" />
        <source>Pickup code</source>
        <translation>取件码</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="72" />
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="73" />
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="74" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="75" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="76" />
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="77" />
        <source>COD</source>
        <translation>到付</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="78" />
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="79" />
        <source>Picked up</source>
        <translation>已取件</translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="185" />
        <source>This column cannot be sorted on a large station.</source>
        <translation>数据量大时此列不能排序。</translation>
    </message>
</context>
<context>
    <name>ParcelsScreen</name>
    <message>
        <location filename="../../ui/screens/parcels.py" line="147" />
        <location filename="../../ui/screens/parcels.py" line="223" />
        <location filename="../../ui/screens/parcels.py" line="228" />
        <location filename="../../ui/screens/parcels.py" line="256" />
        <location filename="../../ui/screens/parcels.py" line="258" />
        <source>All shelves</source>
        <translation>全部货架</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="157" />
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="185" />
        <source>Sort by received time, tracking number, carrier, status or pickup code.</source>
        <translation>可按入库时间、快递单号、快递公司、状态或取件码排序。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="200" />
        <source>Counting… ({0} shown)</source>
        <translation>正在统计…（已显示 {0} 件）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="202" />
        <source>{0} parcels ({1} loaded)</source>
        <translation>共 {0} 件（已加载 {1} 件）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="245" />
        <source>Tracking number, pickup code, phone, last 4 digits or name</source>
        <translation>快递单号、取件码、手机号、后4位或姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="247" />
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="247" />
        <source>At the station</source>
        <translation>在站</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="249" />
        <source>All carriers</source>
        <translation>全部快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="252" />
        <source>Any time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="252" />
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="253" />
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="253" />
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="259" />
        <source>Overdue only</source>
        <translation>只看滞留件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="260" />
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
</context>
<context>
    <name>Payment</name>
    <message>
        <location filename="../../ui/screens/common.py" line="45" />
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="46" />
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="47" />
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="48" />
        <source>Card</source>
        <translation>刷卡</translation>
    </message>
</context>
<context>
    <name>PaymentBox</name>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="109" />
        <source>Choose how {0} is paid: Ctrl+1 cash, Ctrl+2 WeChat Pay, Ctrl+3 Alipay, Ctrl+4 card.</source>
        <translation>请选择 {0} 的付款方式：Ctrl+1 现金，Ctrl+2 微信，Ctrl+3 支付宝，Ctrl+4 刷卡。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="113" />
        <source>Not an amount: type it like 12.50.</source>
        <translation>金额格式不对：请按 12.50 这样输入。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="117" />
        <source>The cash tendered is less than {0}.</source>
        <translation>实收现金少于 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="135" />
        <source>Cash on delivery</source>
        <translation>到付金额</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="135" />
        <source>Payment</source>
        <translation>付款</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="136" />
        <source>Due</source>
        <translation>应收</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="139" />
        <source>Cash tendered</source>
        <translation>实收现金</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="140" />
        <source>empty = exact</source>
        <translation>留空 = 正好</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="141" />
        <source>exact</source>
        <translation>刚好</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="142" />
        <source>Change</source>
        <translation>找零</translation>
    </message>
</context>
<context>
    <name>PeopleChooser</name>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="62" />
        <source>{0}  {1}  (parcels: {2})</source>
        <translation>{0}  {1}  （{2} 件）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="93" />
        <source>No one with {0} is called {1}.</source>
        <translation>{0} 中没有叫 {1} 的人。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="96" />
        <source>Several people match that name: pick one from the list.</source>
        <translation>有多人匹配该姓名：请从列表中选择。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="109" />
        <source>Several people: which one?</source>
        <translation>多人匹配：是哪一位？</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_parts.py" line="110" />
        <source>Type the name, Enter</source>
        <translation>输入姓名，回车</translation>
    </message>
</context>
<context>
    <name>PickupSafety</name>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="129" />
        <source>Only 1 of 2 scanned — hand out only that one? The other stays on the shelf.</source>
        <translation>2 件只扫了 1 件 — 只交付这一件吗？另一件留在货架上。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="133" />
        <source>Only {0} of {1} scanned — hand out only the scanned ones? The other {2} stay on the shelf.</source>
        <translation>{1} 件只扫了 {0} 件 — 只交付已扫的吗？其余 {2} 件留在货架上。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="138" />
        <source>Hand out only some?</source>
        <translation>只交付部分包裹？</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="140" />
        <source>Yes, hand out {0}</source>
        <translation>是，交付 {0} 件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="141" />
        <source>No, go back and scan</source>
        <translation>否，返回继续扫码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="149" />
        <source>Start over?</source>
        <translation>重新开始？</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="150" />
        <source>{0} parcel(s) are ticked and not handed over yet. Drop the ticks and start over for the next person? (Put the parcels back on the shelf.)</source>
        <translation>已勾选 {0} 件但尚未交付。清除勾选并为下一位顾客重新开始吗？（请把包裹放回货架。）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="154" />
        <source>Yes, start over</source>
        <translation>是，重新开始</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_safety.py" line="155" />
        <source>No, keep the ticks</source>
        <translation>否，保留勾选</translation>
    </message>
</context>
<context>
    <name>PickupScreen</name>
    <message>
        <location filename="../../ui/screens/pickup.py" line="167" />
        <source>Looking up {0}…</source>
        <translation>正在查询 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="175" />
        <source>Nothing on the shelf for {0}.</source>
        <translation>没有 {0} 的在架包裹。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="184" />
        <source>{0} people match {1}: ask for the name, type it and press Enter (or pick one).</source>
        <translation>有 {0} 人匹配 {1}：请询问姓名，输入后回车（或直接选择）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="208" />
        <source>{0}: parcels on the shelf: {1}. Fetch them and scan each barcode.</source>
        <translation>{0}：在架包裹 {1} 件。请取来并逐件扫描条码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="224" />
        <source>{0} is already checked.</source>
        <translation>{0} 已核对过。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="230" />
        <source>✓ {0} ({1}). {2} more to scan.</source>
        <translation>✓ {0}（{1}）。还需扫描 {2} 件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="234" />
        <source>✓ All checked ({0}). Enter or F12 completes.</source>
        <translation>✓ 全部核对完毕（{0} 件）。回车或 F12 完成出库。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="216" />
        <source>WRONG PARCEL: {0} is not for this person. Put it back! (Esc starts over for the next person.)</source>
        <translation>拿错件了：{0} 不是这位顾客的包裹，请放回！（按 Esc 为下一位顾客重新开始。）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="237" />
        <source>WRONG PARCEL: put it back! It could not be recorded: {0}</source>
        <translation>拿错件：请放回货架！未能记录：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="250" />
        <source>{0} is not ticked: scan its barcode.</source>
        <translation>{0} 未勾选：请扫描其条码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="253" />
        <source>✓ {0} ticked by hand: {1}</source>
        <translation>✓ {0} 已手动勾选：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="281" />
        <source>Look up a person first.</source>
        <translation>请先查询顾客。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="284" />
        <source>Proxy</source>
        <translation>代取人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="284" />
        <source>ID</source>
        <translation>证件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="285" />
        <source>✓ {0} checked: {1}</source>
        <translation>✓ {0}已核验：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="287" />
        <source>ID check needed (F7).</source>
        <translation>需要核验身份 (F7)。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="289" />
        <source>No ID check needed.</source>
        <translation>无需核验身份。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="317" />
        <source>Scan each parcel's barcode first ({0} to scan).</source>
        <translation>请先逐件扫描条码（还有 {0} 件）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="325" />
        <source>Scan the other parcels ({0} left), then Enter or F12.</source>
        <translation>请扫描其余包裹（还剩 {0} 件），然后按回车或 F12。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="329" />
        <source>An ID check is needed before handing over.</source>
        <translation>交付前需要核验身份。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="346" />
        <source>Handing over…</source>
        <translation>正在出库…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="355" />
        <source>Handed over to {1}: {0} parcel(s). Receipt {2}.</source>
        <translation>已交付给 {1}：{0} 件。小票号 {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="358" />
        <source>CHANGE {0}</source>
        <translation>找零 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="360" />
        <source>Paid {0}.</source>
        <translation>已收 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="362" />
        <source>{0} not scanned stay on the shelf.</source>
        <translation>未扫描的 {0} 件仍留在货架上。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="384" />
        <source>Next person: scan or type the pickup code, phone number or last 4 digits.</source>
        <translation>下一位：扫描或输入取件码、手机号或手机后4位。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="396" />
        <source>Find (F2)</source>
        <translation>查找 (F2)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="397" />
        <source>Pickup code, phone, last 4 digits or tracking number, Enter</source>
        <translation>取件码、手机号、后4位或快递单号，回车</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="399" />
        <source>Next person (Esc)</source>
        <translation>下一位 (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="400" />
        <source>Identity</source>
        <translation>身份核验</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="401" />
        <source>Check ID (F7)</source>
        <translation>核验身份 (F7)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="402" />
        <source>Proxy pickup (F8)</source>
        <translation>他人代取 (F8)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="403" />
        <source>Signature</source>
        <translation>签字</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="404" />
        <source>Sign here (mouse, pen or finger)</source>
        <translation>请在此签字（鼠标、手写笔或手指）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="406" />
        <source>Clear signature</source>
        <translation>清除签字</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="407" />
        <source>Complete hand-over (F12)</source>
        <translation>完成出库 (F12)</translation>
    </message>
</context>
<context>
    <name>PrintJobs</name>
    <message>
        <location filename="../../ui/print_jobs.py" line="57" />
        <source>No printer is set up on this counter, so stickers and receipts are saved as PDF files in {0}. To print them, choose the printers in Settings (F9) → This counter.</source>
        <translation>本柜台没有设置打印机，贴纸和小票已保存为 PDF 文件，位于 {0}。如需打印，请在 设置（F9）→ 本柜台 中选择打印机。</translation>
    </message>
</context>
<context>
    <name>PrintPreviewDialog</name>
    <message>
        <location filename="../../ui/printing.py" line="411" />
        <source>Print preview — {0}</source>
        <translation>打印预览 — {0}</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="424" />
        <source>{0} page(s) · {1:.0f}×{2:.0f} mm</source>
        <translation>{0} 页 · {1:.0f}×{2:.0f} 毫米</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="436" />
        <source>Use for this document type</source>
        <translation>用于此类文档</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="439" />
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="442" />
        <source>Save PDF…</source>
        <translation>另存 PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="449" />
        <source>Printer:</source>
        <translation>打印机：</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="469" />
        <source>Save PDF</source>
        <translation>另存 PDF</translation>
    </message>
</context>
<context>
    <name>PrintTroublesDialog</name>
    <message>
        <location filename="../../ui/widgets/print_troubles.py" line="25" />
        <source>Not printed</source>
        <translation>未打印</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/print_troubles.py" line="29" />
        <source>These stickers, receipts and reports did not reach the printer. Fix the printer (paper, cable, power), then Retry. Saved PDFs stay in their folder.</source>
        <translation>以下贴纸、小票和报表没有送到打印机。请检查打印机（纸张、线缆、电源），然后点击重试。已保存的 PDF 仍在原文件夹中。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/print_troubles.py" line="35" />
        <source>Retry selected (Enter)</source>
        <translation>重试所选（Enter）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/print_troubles.py" line="36" />
        <source>Retry all</source>
        <translation>全部重试</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/print_troubles.py" line="37" />
        <source>Dismiss selected (Del)</source>
        <translation>移除所选（Del）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/print_troubles.py" line="53" />
        <source>PDF: {0}</source>
        <translation>PDF：{0}</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../ui/printing.py" line="126" />
        <source>No printer is set</source>
        <translation>没有设置打印机</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="128" />
        <source>Printer not found: {0}</source>
        <translation>找不到打印机：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="131" />
        <source>Printer offline or stopped: {0}</source>
        <translation>打印机离线或已停止：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="247" />
        <source>Printing failed on {0}: {1}</source>
        <translation>在 {0} 上打印失败：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="255" />
        <source>Printing failed on {0}</source>
        <translation>在 {0} 上打印失败</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="265" />
        <location filename="../../ui/printing.py" line="305" />
        <source>Sent to {0}</source>
        <translation>已发送到 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="276" />
        <source>{0}; PDF saved to {1}</source>
        <translation>{0}；已保存 PDF：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="286" />
        <source>lp (CUPS) is not installed</source>
        <translation>未安装 lp（CUPS），无法打印小票</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="309" />
        <source>lp exited with {0}</source>
        <translation>lp 出错退出（代码 {0}）</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="337" />
        <source>Printing error: {0}</source>
        <translation>打印出错：{0}</translation>
    </message>
</context>
<context>
    <name>QuoteBox</name>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="60" />
        <source>volumetric {0} (÷{1})</source>
        <translation>体积重 {0}（÷{1}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="62" />
        <source>no box size</source>
        <translation>未量尺寸</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="63" />
        <source>actual {0}, {1}</source>
        <translation>实重 {0}，{1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="68" />
        <source>(first {0} {1} + {2} kg × {3})</source>
        <translation>（首重 {0} {1} + 续重 {2} 公斤 × {3}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="73" />
        <source>{0} (declared {1})</source>
        <translation>{0}（声明价值 {1}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="75" />
        <source>not insured</source>
        <translation>未保价</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="78" />
        <source>Tell the sender the total; F12 takes the send.</source>
        <translation>请告知寄件人合计金额；按 F12 收寄。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="89" />
        <source>Choose the destination and weigh the parcel: the price appears here.</source>
        <translation>选择目的地并称重后，运费显示在这里。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="95" />
        <source>Working out the price…</source>
        <translation>正在计算运费…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="106" />
        <source>Price</source>
        <translation>运费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="107" />
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="107" />
        <source>Weight</source>
        <translation>重量</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="108" />
        <source>Chargeable</source>
        <translation>计费重量</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="108" />
        <source>Freight</source>
        <translation>运费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="109" />
        <source>Insurance</source>
        <translation>保价费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="109" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>RateCardModel</name>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="88" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="89" />
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="90" />
        <source>First weight</source>
        <translation>首重</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="91" />
        <source>First price</source>
        <translation>首重价</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="92" />
        <source>Per extra kg</source>
        <translation>续重每公斤</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="93" />
        <source>Max weight</source>
        <translation>最大重量</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="94" />
        <source>Divisor</source>
        <translation>抛比</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="95" />
        <source>Insurance</source>
        <translation>保价费率</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="96" />
        <source>Min. insurance</source>
        <translation>最低保价费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="97" />
        <source>Max. declared</source>
        <translation>最高保价</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="98" />
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="99" />
        <source>Changed</source>
        <translation>修改</translation>
    </message>
</context>
<context>
    <name>RateCardsPage</name>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="225" />
        <source>Sends &amp; rate cards</source>
        <translation>寄件与费率</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="242" />
        <source>All carriers</source>
        <translation>全部快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="266" />
        <source>{0} rate card(s)</source>
        <translation>{0} 条费率</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="272" />
        <source>Not set: no send can be priced until it is.</source>
        <translation>未设置：设置前无法计算任何寄件运费。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="275" />
        <source>Zones (same city, same province …) are counted from here.</source>
        <translation>区域（同城、省内……）从这里算起。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="310" />
        <source>Not an amount: type it like 12.50.</source>
        <translation>不是金额：请按 12.50 的格式输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="312" />
        <source>Type the first-weight price and the price per extra kg.</source>
        <translation>请输入首重价格和续重每公斤价格。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="335" />
        <source>The station sends from {0} {1}.</source>
        <translation>驿站寄出地：{0} {1}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="347" />
        <source>Rate card saved: {0}, {1}: first {2} {3}, then {4} per kg.</source>
        <translation>费率已保存：{0}，{1}：首重 {2} {3}，续重每公斤 {4}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="362" />
        <source>Rate card deleted: {0}, {1}.</source>
        <translation>费率已删除：{0}，{1}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="369" />
        <source>Import rate cards</source>
        <translation>导入费率</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="369" />
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="372" />
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="377" />
        <source>Imported {0} rate card(s): {1} new, {2} changed.</source>
        <translation>已导入 {0} 条费率：新增 {1} 条，修改 {2} 条。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="382" />
        <source>The station sends from</source>
        <translation>驿站寄出地</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="383" />
        <source>Province</source>
        <translation>省份</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="384" />
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="385" />
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="386" />
        <source>Import CSV…</source>
        <translation>导入费率表…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="387" />
        <source>Edit a rate card (click a row, change, Save)</source>
        <translation>编辑费率（点击一行，修改后保存）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="388" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="388" />
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="388" />
        <source>First weight</source>
        <translation>首重</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="389" />
        <source>First price</source>
        <translation>首重价</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="389" />
        <source>Per extra kg</source>
        <translation>续重每公斤</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="389" />
        <source>Max weight</source>
        <translation>最大重量</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="390" />
        <source>Divisor</source>
        <translation>抛比</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="390" />
        <source>Insurance</source>
        <translation>保价费率</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="390" />
        <source>Min. insurance</source>
        <translation>最低保价费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="391" />
        <source>Max. declared</source>
        <translation>最高保价</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="396" />
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="397" />
        <source>Save rate card</source>
        <translation>保存费率</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_sends.py" line="398" />
        <source>Delete rate card</source>
        <translation>删除费率</translation>
    </message>
</context>
<context>
    <name>RecipientBox</name>
    <message>
        <location filename="../../ui/screens/send_form.py" line="125" />
        <location filename="../../ui/screens/send_form.py" line="211" />
        <source>New recipient (type below)</source>
        <translation>新收件人（在下方输入）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="158" />
        <location filename="../../ui/screens/send_form.py" line="213" />
        <source>full mobile number</source>
        <translation>完整手机号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="178" />
        <source>The recipient's phone must be a full mobile number (11 digits). Ask the sender for the whole number.</source>
        <translation>收件人电话必须是完整的 11 位手机号。请向寄件人问清完整号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="180" />
        <source>A masked or virtual number cannot be used.</source>
        <translation>不能使用打码号码或虚拟号。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="186" />
        <source>Type the recipient's name.</source>
        <translation>请输入收件人姓名。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="192" />
        <source>Choose the destination province.</source>
        <translation>请选择目的地省份。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="194" />
        <source>Choose the destination city.</source>
        <translation>请选择目的地城市。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="196" />
        <source>Type the street address (street, building, room).</source>
        <translation>请输入详细地址（街道、楼栋、门牌）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="205" />
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="206" />
        <source>Address book</source>
        <translation>地址簿</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="206" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="206" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="207" />
        <source>Province</source>
        <translation>省份</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="207" />
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="207" />
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="207" />
        <source>Street</source>
        <translation>详细地址</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="214" />
        <source>type to search, e.g. 广东</source>
        <translation>输入搜索，如 广东</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="215" />
        <source>city</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="216" />
        <source>district (optional)</source>
        <translation>区县（可不填）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_form.py" line="217" />
        <source>street, building, room</source>
        <translation>街道、楼栋、门牌</translation>
    </message>
</context>
<context>
    <name>RecipientForm</name>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="174" />
        <source>This recipient asked for door delivery: call them for consent, then choose 'Phone call: they agreed'.</source>
        <translation>该收件人要求送货上门：请先致电征得同意，然后选择“电话询问：已同意”。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="198" />
        <source>This phone number cannot be used. Check it and type it again.</source>
        <translation>手机号码有误，请核对后重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="201" />
        <source>Type the recipient's phone number (or the last 4 digits and the extension from a privacy label).</source>
        <translation>请输入收件人手机号（隐私面单可输入后4位和分机号）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="204" />
        <source>Not an amount: type it like 12.50.</source>
        <translation>金额格式不对：请按 12.50 这样输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="233" />
        <source>Agreed: the carrier's manifest says so</source>
        <translation>已同意：快递公司预报清单注明</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="234" />
        <source>Agreed: standing consent on record</source>
        <translation>已同意：有长期同意记录</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="237" />
        <source>Not asked yet</source>
        <translation>尚未询问</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="238" />
        <source>Phone call: they agreed</source>
        <translation>电话询问：已同意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="239" />
        <source>The courier confirmed they agreed</source>
        <translation>快递员确认收件人已同意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="243" />
        <source>How did {0} agree to collect it here? In 'Consent' choose (↓) phone call or the courier confirmed it, then Enter. Nobody agreed: Esc, and give the parcel back to the courier.</source>
        <translation>{0} 是如何同意在本站取件的？请在“同意方式”中选择（↓）电话询问或快递员确认，然后按回车。无人同意：按 Esc，把包裹退还给快递员。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="257" />
        <source>Not in a manifest: who is it for?</source>
        <translation>不在预报清单中：收件人是谁？</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="258" />
        <source>Parcel</source>
        <translation>包裹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="258" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="258" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="258" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="259" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="259" />
        <source>Weight (g)</source>
        <translation>重量（克）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="259" />
        <source>Cash on delivery</source>
        <translation>到付金额</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="260" />
        <source>Consent</source>
        <translation>同意方式</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="263" />
        <source>13812345678, or 5678-123 from a privacy label</source>
        <translation>13812345678，或隐私面单上的 5678-123</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="264" />
        <source>optional</source>
        <translation>可不填</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="268" />
        <source>not weighed</source>
        <translation>未称重</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="272" />
        <source>Take in (Enter)</source>
        <translation>入库（回车）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="273" />
        <source>Skip (Esc)</source>
        <translation>跳过 (Esc)</translation>
    </message>
</context>
<context>
    <name>ReportsScreen</name>
    <message>
        <location filename="../../ui/screens/reports.py" line="330" />
        <source>Reports are for the station owner only. Ask the owner to log in.</source>
        <translation>报表仅限站长查看。请站长登录。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="332" />
        <source>Daily report</source>
        <translation>日报表</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="332" />
        <source>Dashboard</source>
        <translation>数据看板</translation>
    </message>
    <message>
        <location filename="../../ui/screens/reports.py" line="333" />
        <source>Carrier settlement</source>
        <translation>快递结算</translation>
    </message>
</context>
<context>
    <name>ResidentsPage</name>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="99" />
        <source>Door delivery &amp; consent</source>
        <translation>送货上门与同意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="106" />
        <source>Changes on this page are saved at once.</source>
        <translation>本页的更改会立即保存。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="113" />
        <location filename="../../ui/screens/settings_residents.py" line="123" />
        <source>Type the resident's phone number first.</source>
        <translation>请先输入居民的电话号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="145" />
        <source>{0} is on the door-delivery list: their parcels are refused at intake until you call them.</source>
        <translation>{0} 已加入送货上门名单：其包裹入库时会被拒绝，直到您致电确认。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="147" />
        <source>{0} is off the door-delivery list.</source>
        <translation>{0} 已移出送货上门名单。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="148" />
        <source>Standing consent recorded for {0}.</source>
        <translation>已为 {0} 登记长期同意。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="149" />
        <source>Standing consent withdrawn for {0}: each parcel is asked about again.</source>
        <translation>已撤销 {0} 的长期同意：每个包裹都会重新询问。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="158" />
        <source>{0}: nothing on record (parcels are asked about at intake).</source>
        <translation>{0}：没有记录（入库时会询问）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="160" />
        <source>standing consent ({0}, recorded by {1} at {2})</source>
        <translation>长期同意（{0}，由 {1} 于 {2} 登记）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="162" />
        <source>no standing consent</source>
        <translation>无长期同意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="163" />
        <source>on the door-delivery list</source>
        <translation>在送货上门名单中</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="167" />
        <source>signed form</source>
        <translation>签字表格</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="167" />
        <source>phone call</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="168" />
        <source>in the app</source>
        <translation>在应用中</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="168" />
        <source>in person</source>
        <translation>当面</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="176" />
        <source>Residents who want their parcels brought to the door</source>
        <translation>要求送货上门的居民</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="177" />
        <location filename="../../ui/screens/settings_residents.py" line="179" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="177" />
        <location filename="../../ui/screens/settings_residents.py" line="180" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="178" />
        <source>Since</source>
        <translation>登记时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="178" />
        <source>By</source>
        <translation>登记人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="178" />
        <location filename="../../ui/screens/settings_residents.py" line="181" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="182" />
        <source>the resident's own full number</source>
        <translation>居民本人的完整号码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="183" />
        <source>optional, e.g. 3rd floor, elderly</source>
        <translation>可选，例如：3楼，老人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="184" />
        <source>Add to the door-delivery list</source>
        <translation>加入送货上门名单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="185" />
        <source>Remove from the list</source>
        <translation>移出名单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="186" />
        <source>Standing consent to collect at the station</source>
        <translation>长期同意在本站取件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="189" />
        <source>Record consent</source>
        <translation>登记同意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="190" />
        <source>Withdraw consent</source>
        <translation>撤销同意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_residents.py" line="191" />
        <source>Look up</source>
        <translation>查询</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="41" />
        <source>Restore a backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="47" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="55" />
        <location filename="../../ui/screens/setup_restore.py" line="72" />
        <source>Backup file</source>
        <translation>备份文件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="56" />
        <source>Owner's user name in the backup</source>
        <translation>备份中的店主用户名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="57" />
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="62" />
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="73" />
        <source>Station backup (*.db *.sqlite *.bak);;All files (*)</source>
        <translation>驿站备份 (*.db *.sqlite *.bak);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="81" />
        <source>Choose the backup file first.</source>
        <translation>请先选择备份文件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="86" />
        <source>Type the owner's user name and PIN as they were on the backed-up station.</source>
        <translation>请输入备份驿站中店主的用户名和 PIN。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup_restore.py" line="90" />
        <source>Checking and restoring the backup…</source>
        <translation>正在检查并恢复备份…</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="95" />
        <source>this shelf (no slot marked)</source>
        <translation>本货架（未标货位）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="97" />
        <source>moved</source>
        <translation>已移位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="99" />
        <source>will be moved</source>
        <translation>将移位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="101" />
        <source>put it back by hand</source>
        <translation>需手工放回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="108" />
        <source>{0} — already left the station: do not take it in</source>
        <translation>{0} — 已经离站：不要重新入库</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="116" />
        <source>Done: expected {0}, found {1}. {2} marked MISSING, {3} misplaced, {4} unknown, {5} found again.</source>
        <translation>已完成：应在架 {0}，找到 {1}。{2} 件标记为缺失，{3} 件错位，{4} 件未知，{5} 件找回。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="119" />
        <source>Preview (nothing changed yet): expected {0}, found {1}. {2} would be marked MISSING, {3} misplaced, {4} unknown, {5} found again.</source>
        <translation>预览（尚未更改）：应在架 {0}，找到 {1}。将有 {2} 件标记为缺失，{3} 件错位，{4} 件未知，{5} 件找回。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="150" />
        <source>Result</source>
        <translation>盘点结果</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="151" />
        <source>Missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="151" />
        <source>Misplaced</source>
        <translation>错位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="152" />
        <source>Unknown (not at the station)</source>
        <translation>未知（不在本站）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="153" />
        <source>Found again</source>
        <translation>找回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="156" />
        <source>Take in the selected unknown parcel…</source>
        <translation>入库选中的未知包裹…</translation>
    </message>
</context>
<context>
    <name>ReturnsScreen</name>
    <message>
        <location filename="../../ui/screens/returns.py" line="169" />
        <source>(last notice)</source>
        <translation>（含最后通知）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="183" />
        <source>{0} overdue parcel(s) on the shelf, {1} marked for return</source>
        <translation>货架上滞留 {0} 件，已标记退回 {1} 件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="185" />
        <source>Mark for return ({0})</source>
        <translation>标记退回（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="187" />
        <source>Courier hand-over ({0})</source>
        <translation>退件交接（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="202" />
        <source>{0} is already marked for return.</source>
        <translation>{0} 已标记退回。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="205" />
        <source>{0} is not overdue: keep it on the shelf.</source>
        <translation>{0} 未滞留：请留在货架上。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="209" />
        <source>✓ {0} ticked ({1} ticked). F12 marks them for return.</source>
        <translation>✓ 已勾选 {0}（共 {1} 件）。按 F12 标记退回。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="216" />
        <source>Tick or scan the parcels to return first.</source>
        <translation>请先勾选或扫描要退回的包裹。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="227" />
        <source>{0} parcel(s) marked for return: put them in the returns area for the courier.</source>
        <translation>已标记退回 {0} 件：请放到退件区等快递员取走。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="249" />
        <source>Courier hand-over: choose the carrier, type the courier's name, scan each parcel as it leaves; the courier signs; F12 completes.</source>
        <translation>退件交接：选择快递公司，输入快递员姓名，逐件扫描出库；快递员签字；按 F12 完成。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="252" />
        <source>Overdue parcels: tick them or scan them, then mark them for return (F12).</source>
        <translation>滞留件：勾选或扫描，然后标记退回（F12）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="263" />
        <source>Scan (F5)</source>
        <translation>扫描（F5）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="264" />
        <source>Scan a parcel's barcode or sticker, Enter</source>
        <translation>扫描包裹条码或货架贴，回车</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="265" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="266" />
        <source>Messages…</source>
        <translation>消息…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="267" />
        <source>Overdue</source>
        <translation>滞留件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="268" />
        <source>Tracking number</source>
        <translation>运单号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="268" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="268" />
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="269" />
        <source>Pickup code</source>
        <translation>取件码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="269" />
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="269" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="270" />
        <source>Received</source>
        <translation>入库时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="270" />
        <source>Days on shelf</source>
        <translation>在架天数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="271" />
        <source>Reminders sent</source>
        <translation>已发提醒</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="272" />
        <source>Tick all</source>
        <translation>全选</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="273" />
        <source>Tick none</source>
        <translation>全不选</translation>
    </message>
    <message>
        <location filename="../../ui/screens/returns.py" line="271" />
        <source>Storage fee</source>
        <translation>滞留费</translation>
    </message>
</context>
<context>
    <name>ScaleSettingsPage</name>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="67" />
        <source>A serial port, or socket://HOST:PORT for a network scale</source>
        <translation>串口，或网络电子秤的 socket://主机:端口</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="68" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="73" />
        <location filename="../../ui/widgets/scale_settings.py" line="77" />
        <source>Usual for the protocol</source>
        <translation>按协议默认</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="80" />
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="90" />
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="91" />
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="92" />
        <source>Baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="93" />
        <source>Data bits / parity / stop bits</source>
        <translation>数据位 / 校验 / 停止位</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="122" />
        <source>{path} — USB HID scale</source>
        <translation>{path} — USB HID 电子秤</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="179" />
        <source>Choose a port first.</source>
        <translation>请先选择端口。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="181" />
        <source>Connecting to {port} …</source>
        <translation>正在连接 {port} …</translation>
    </message>
</context>
<context>
    <name>ScaleWorker</name>
    <message>
        <location filename="../../ui/scale_worker.py" line="122" />
        <source>No scale is set up.</source>
        <translation>未设置电子秤。</translation>
    </message>
</context>
<context>
    <name>SendErrors</name>
    <message>
        <location filename="../../ui/screens/send_common.py" line="55" />
        <source>Cannot accept this send: {0} is prohibited.</source>
        <translation>不能收寄：{0}属于禁寄物品。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="59" />
        <source>Tell the sender it cannot be sent; nothing was written.</source>
        <translation>请告知寄件人无法寄递；未记录任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="70" />
        <source>Choose what is inside from the contents list.</source>
        <translation>请从物品类别列表中选择内件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="72" />
        <source>Real-name sending: type the sender's phone, name and ID (type and number) first, or look up a known sender by phone.</source>
        <translation>实名寄递：请先输入寄件人手机号、姓名和证件（类型和号码），或按手机号查找老寄件人。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="75" />
        <source>This ID is registered to another name. Check the name on the ID card and type it again.</source>
        <translation>此证件登记的是另一个姓名。请核对证件上的姓名后重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="78" />
        <source>The station's own province and city are not set, so there is no price. Ask the owner to set them in Settings (F9) → Sends &amp; rate cards.</source>
        <translation>未设置驿站所在省市，无法计算运费。请站长在 设置 (F9) → 寄件与费率 中设置。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="81" />
        <source>Choose how the sender pays: Ctrl+1 cash, Ctrl+2 WeChat Pay, Ctrl+3 Alipay, Ctrl+4 card.</source>
        <translation>请选择付款方式：Ctrl+1 现金，Ctrl+2 微信支付，Ctrl+3 支付宝，Ctrl+4 银行卡。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="84" />
        <source>The cash tendered is less than the total. Take more cash or leave the field empty for the exact amount.</source>
        <translation>实收现金少于合计金额。请多收现金，或留空表示正好。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="87" />
        <source>The price has just changed (a rate card was edited). Show the new total to the sender and press F12 again.</source>
        <translation>运费刚刚变动（费率已修改）。请把新的合计告知寄件人，再按 F12。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="90" />
        <source>This send is already voided.</source>
        <translation>此寄件已作废。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="91" />
        <source>This send is already with the courier and can no longer be voided. Ask the carrier to intercept it.</source>
        <translation>此寄件已交给快递员，不能再作废。请联系快递公司拦截。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="101" />
        <source>The sender's phone must be a full mobile number (11 digits) the courier can call. Ask for the whole number.</source>
        <translation>寄件人电话必须是快递员能拨通的完整 11 位手机号。请问清完整号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="104" />
        <source>The recipient's phone must be a full mobile number (11 digits) the courier can call. Ask for the whole number.</source>
        <translation>收件人电话必须是快递员能拨通的完整 11 位手机号。请问清完整号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="109" />
        <source>The ID number is not valid. Check the document and type it again.</source>
        <translation>证件号码无效。请核对证件后重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="113" />
        <source>This destination is not known. Choose the province, city and district from the lists.</source>
        <translation>无法识别此目的地。请从列表中选择省、市、区县。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="117" />
        <source>{0} has no price for this destination ({1}). Ask the owner to add a rate card in Settings (F9) → Sends &amp; rate cards, or choose another carrier.</source>
        <translation>{0} 没有到此目的地（{1}）的价格。请站长在 设置 (F9) → 寄件与费率 中添加费率，或换一家快递公司。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="122" />
        <source>Too heavy for this carrier (at most {0}). Split it into several parcels or choose another carrier.</source>
        <translation>超出该快递公司的重量上限（最多 {0}）。请分成几件寄，或换一家快递公司。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="127" />
        <source>The declared value is over this carrier's insurance limit. Lower it or choose another carrier.</source>
        <translation>声明价值超过该快递公司的保价上限。请降低声明价值，或换一家快递公司。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="131" />
        <source>This waybill number is already used by another send. Take a new waybill.</source>
        <translation>此运单号已被其他寄件使用。请换一张新面单。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="135" />
        <source>Line {0} of the rate file (column {1}) is wrong. Fix it and import the file again; nothing was imported.</source>
        <translation>费率文件第 {0} 行（{1} 列）有误。请改正后重新导入；未导入任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="140" />
        <source>Line {0} of the rate file is wrong (the first line must name the columns). Fix it and import again; nothing was imported.</source>
        <translation>费率文件第 {0} 行有误（第一行必须是列名）。请改正后重新导入；未导入任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="145" />
        <source>This rate file cannot be imported (empty or unreadable). Nothing was imported.</source>
        <translation>无法导入此费率文件（为空或无法读取）。未导入任何内容。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="153" />
        <source>Unknown zone: choose one from the list.</source>
        <translation>未知区域：请从列表中选择。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="155" />
        <source>Only the owner, or the clerk who took the send today, can void it. Ask the owner to log in.</source>
        <translation>只有站长或当天收寄的店员可以作废。请站长登录。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="159" />
        <source>This sender is not known any more: look the sender up again by phone.</source>
        <translation>找不到此寄件人：请按手机号重新查找。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="163" />
        <source>No send with this waybill number. Check the number.</source>
        <translation>没有此运单号的寄件。请核对号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="166" />
        <source>Insurance needs a declared value: ask the sender what the contents are worth.</source>
        <translation>保价需要声明价值：请询问寄件人内件价值。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="170" />
        <source>Check the weight (whole grams) and the box size (whole centimetres, all three or none).</source>
        <translation>请检查重量（整克）和箱子尺寸（整厘米，三项都填或都不填）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="174" />
        <source>Give all three box dimensions (length, width, height) or none.</source>
        <translation>请填写长、宽、高三项尺寸，或都不填。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="191" />
        <source>Cannot accept this send: the contents are prohibited. Tell the sender it cannot be sent; nothing was written.</source>
        <translation>不能收寄：内件属于禁寄物品。请告知寄件人无法寄递；未记录任何内容。</translation>
    </message>
</context>
<context>
    <name>SendFlow</name>
    <message>
        <location filename="../../ui/screens/send_flow.py" line="134" />
        <source>Looking up the sender {0}…</source>
        <translation>正在查找寄件人 {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_flow.py" line="143" />
        <source>New sender: type the name, then check the ID (real-name sending, once per sender).</source>
        <translation>新寄件人：输入姓名，再核验证件（实名寄递，每位寄件人只需一次）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_flow.py" line="151" />
        <source>{0} senders use this phone: pick one (Enter), or a new sender.</source>
        <translation>有 {0} 位寄件人使用此手机号：选择一位（回车），或选新寄件人。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_flow.py" line="170" />
        <source>{0} is a known sender (ID checked). Enter takes the usual recipient, or pick another from the address book.</source>
        <translation>{0} 是老寄件人（证件已核验）。按回车使用常用收件人，或从地址簿另选。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_flow.py" line="175" />
        <source>{0} is a known sender (ID checked). Type the recipient.</source>
        <translation>{0} 是老寄件人（证件已核验）。请输入收件人。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_flow.py" line="185" />
        <source>Ask what is inside and choose the contents (look at it: 验视).</source>
        <translation>请询问并查看内件（验视），然后选择物品类别。</translation>
    </message>
</context>
<context>
    <name>SendList</name>
    <message>
        <location filename="../../ui/screens/send_list.py" line="289" />
        <source>Today: {0} send(s), {1}</source>
        <translation>今日：{0} 件，{1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="297" />
        <source>Reprinting the waybill of {0}.</source>
        <translation>正在补打 {0} 的面单。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="304" />
        <source>Reprinting the receipt of {0}.</source>
        <translation>正在补打 {0} 的收据。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="322" />
        <source>{0} is voided and its payment reversed.</source>
        <translation>{0} 已作废，款项已冲正。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="324" />
        <source>Give {0} back to the sender.</source>
        <translation>请退还寄件人 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="337" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="338" />
        <source>Reprint waybill (Ctrl+P)</source>
        <translation>补打面单 (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="339" />
        <source>Reprint receipt</source>
        <translation>补打收据</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="340" />
        <source>Void… (Ctrl+Del)</source>
        <translation>作废… (Ctrl+Del)</translation>
    </message>
</context>
<context>
    <name>SendScreen</name>
    <message>
        <location filename="../../ui/screens/send.py" line="222" />
        <source>The declared value is not an amount: type it like 200 or 199.50.</source>
        <translation>声明价值不是金额：请按 200 或 199.50 的格式输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="273" />
        <source>Put the parcel on the scale or type its weight in grams.</source>
        <translation>请把包裹放上秤，或输入重量（克）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="301" />
        <source>Taking the send…</source>
        <translation>正在收寄…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="328" />
        <source>CHANGE {0}</source>
        <translation>找零 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="330" />
        <source>{0} paid by {1}</source>
        <translation>{1}已付 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="334" />
        <source>Send taken: {0} to {1}. {2}. Stick the waybill on the parcel.</source>
        <translation>已收寄：{0} 寄给 {1}。{2}。请把面单贴在包裹上。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="366" />
        <source>Pre-printed waybill {0} will be used for this send.</source>
        <translation>本次寄件将使用预印面单 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="372" />
        <location filename="../../ui/screens/send.py" line="386" />
        <location filename="../../ui/screens/send.py" line="409" />
        <source>Next sender: type their phone number and press Enter.</source>
        <translation>下一位寄件人：输入手机号后按回车。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="403" />
        <source>New send (Alt+N)</source>
        <translation>新寄件 (Alt+N)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="404" />
        <source>Today's sends (Alt+L)</source>
        <translation>今日寄件 (Alt+L)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="405" />
        <source>Take the send (F12)</source>
        <translation>收寄 (F12)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send.py" line="406" />
        <source>Next sender (Esc)</source>
        <translation>下一位 (Esc)</translation>
    </message>
</context>
<context>
    <name>SendStatus</name>
    <message>
        <location filename="../../ui/screens/send_list.py" line="62" />
        <source>Waiting for the courier</source>
        <translation>待揽收</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="63" />
        <source>Handed over</source>
        <translation>已交接</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="64" />
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
</context>
<context>
    <name>SendTableModel</name>
    <message>
        <location filename="../../ui/screens/send_list.py" line="82" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="83" />
        <source>Waybill</source>
        <translation>运单号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="84" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="85" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="86" />
        <source>Sender</source>
        <translation>寄件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="87" />
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="88" />
        <source>Destination</source>
        <translation>目的地</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="89" />
        <source>Chargeable</source>
        <translation>计费重量</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="90" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="91" />
        <source>Paid by</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="92" />
        <source>Clerk</source>
        <translation>经办</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="176" />
        <source>Voided by {0}: {1}</source>
        <translation>{0} 作废：{1}</translation>
    </message>
</context>
<context>
    <name>SenderBox</name>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="129" />
        <location filename="../../ui/screens/send_sender.py" line="230" />
        <source>New sender (check the ID)</source>
        <translation>新寄件人（核验证件）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="147" />
        <source>✓ Known sender, ID checked {0} by {1}; {2} send(s) so far.</source>
        <translation>✓ 老寄件人，证件已于 {0} 由 {1} 核验；已寄 {2} 件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="155" />
        <source>New sender: type the name and check the ID once.</source>
        <translation>新寄件人：输入姓名并核验一次证件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="162" />
        <source>The sender's phone must be a full mobile number (11 digits). Ask for the whole number.</source>
        <translation>寄件人电话必须是完整的 11 位手机号。请问清完整号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="164" />
        <source>A masked or virtual number cannot be used for a sender.</source>
        <translation>寄件人不能使用打码号码或虚拟号。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="176" />
        <source>The ID number is not valid. Check the document and type it again.</source>
        <translation>证件号码无效。请核对证件后重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="182" />
        <source>✓ {0} checked: {1}</source>
        <translation>✓ {0}已核验：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="194" />
        <source>Pick the sender from the list (Enter).</source>
        <translation>请从列表中选择寄件人（回车）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="196" />
        <source>Type the sender's name as on the ID.</source>
        <translation>请按证件输入寄件人姓名。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="198" />
        <source>Real-name sending: type the sender's ID number.</source>
        <translation>实名寄递：请输入寄件人证件号码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="218" />
        <source>Sender (real name)</source>
        <translation>寄件人（实名）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="219" />
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="219" />
        <source>Known senders</source>
        <translation>老寄件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="220" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="220" />
        <source>ID type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="221" />
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="223" />
        <source>sender's mobile, Enter looks them up</source>
        <translation>寄件人手机号，回车查找</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="224" />
        <source>as on the ID</source>
        <translation>与证件一致</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_sender.py" line="225" />
        <source>checked once, shown masked</source>
        <translation>只核验一次，打码显示</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <location filename="../../ui/screens/settings.py" line="103" />
        <source>Station</source>
        <translation>驿站</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="103" />
        <source>Carriers</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="104" />
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="104" />
        <source>This counter</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="105" />
        <source>Scale</source>
        <translation>电子秤</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="110" />
        <source>Only the station owner can change these settings.</source>
        <translation>只有站长可以修改这些设置。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="111" />
        <source>Save (Ctrl+S)</source>
        <translation>保存 (Ctrl+S)</translation>
    </message>
</context>
<context>
    <name>SettlementTab</name>
    <message>
        <location filename="../../ui/screens/settlement.py" line="120" />
        <location filename="../../ui/screens/settlement.py" line="214" />
        <source>All carriers</source>
        <translation>全部快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="138" />
        <source>Type both fees, e.g. 0.30.</source>
        <translation>请填写两项费用，如 0.30。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="148" />
        <source>{0}: {1} a parcel, {2} a return.</source>
        <translation>{0}：每件 {1}，每件退回 {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="163" />
        <source>{0} owes {1}: {2} parcels × {3} + {4} returns × {5}.</source>
        <translation>{0} 应付 {1}：{2} 件 × {3} + {4} 件退回 × {5}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="171" />
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="173" />
        <source>Carriers owe {0} in all.</source>
        <translation>各快递公司应付合计 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="177" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="178" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="182" />
        <source>Parcels</source>
        <translation>入库件数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="182" />
        <source>Returns</source>
        <translation>退回件数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="183" />
        <source>Parcel fees</source>
        <translation>入库费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="183" />
        <source>Return fees</source>
        <translation>退回费</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="184" />
        <source>Owed</source>
        <translation>应付</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="192" />
        <source>Save the statement</source>
        <translation>保存结算单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="198" />
        <source>Saved: {0}</source>
        <translation>已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="202" />
        <source>Carrier:</source>
        <translation>快递公司：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="202" />
        <source>From:</source>
        <translation>从：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="203" />
        <source>To:</source>
        <translation>至：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="205" />
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="206" />
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="207" />
        <source>Calculate</source>
        <translation>计算</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="208" />
        <source>Fee per parcel:</source>
        <translation>每件费用：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="209" />
        <source>Fee per return:</source>
        <translation>每件退回费：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="210" />
        <source>Save fees</source>
        <translation>保存费用</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="211" />
        <source>Statement XLSX…</source>
        <translation>结算单 XLSX…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settlement.py" line="212" />
        <source>Statement PDF…</source>
        <translation>结算单 PDF…</translation>
    </message>
</context>
<context>
    <name>SetupScreen</name>
    <message>
        <location filename="../../ui/screens/setup.py" line="146" />
        <source>The two PINs differ: type the same PIN twice.</source>
        <translation>两次输入的 PIN 不一致：请输入相同的 PIN 两次。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="151" />
        <source>Creating the station…</source>
        <translation>正在创建驿站…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="189" />
        <source>Set up your station</source>
        <translation>设置您的驿站</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="191" />
        <source>This database has no station yet. Type the station's details and the owner's account, check the shelves, then Create. Everything can be changed later in Settings (F9) and Shelves.</source>
        <translation>此数据库还没有驿站。请填写驿站信息和店主账号，检查货架，然后点击创建。以后都可以在 设置（F9）和 货架 中修改。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="194" />
        <source>Station (printed on receipts, sent in messages)</source>
        <translation>驿站（打印在小票上，并在消息中发送）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="195" />
        <source>Owner account (站长)</source>
        <translation>店主账号（站长）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="196" />
        <source>Shelves</source>
        <translation>货架</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="197" />
        <source>Station name</source>
        <translation>驿站名称</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="197" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="198" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="198" />
        <source>Opening hours</source>
        <translation>营业时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="199" />
        <source>Owner's user name</source>
        <translation>店主用户名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="199" />
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="200" />
        <source>PIN again</source>
        <translation>再次输入 PIN</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="203" />
        <source>e.g. 幸福里驿站</source>
        <translation>例如 幸福里驿站</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="204" />
        <source>e.g. 幸福里小区 12 号楼底商</source>
        <translation>例如 幸福里小区 12 号楼底商</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="205" />
        <source>e.g. 010-62345678 or 13812345678</source>
        <translation>例如 010-62345678 或 13812345678</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="206" />
        <source>e.g. wang</source>
        <translation>例如 wang</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="207" />
        <source>4 or more characters</source>
        <translation>至少 4 个字符</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="209" />
        <source>Each shelf gets a letter; pickup codes read shelf-layer-number (A-3-0127). Set how many parcels of each size one layer holds.</source>
        <translation>每个货架用一个字母；取件码格式为 货架-层-编号（A-3-0127）。请设置每层能放各尺寸包裹多少件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="211" />
        <source>Restore a backup instead…</source>
        <translation>改为恢复备份…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/setup.py" line="212" />
        <source>Create the station</source>
        <translation>创建驿站</translation>
    </message>
</context>
<context>
    <name>ShelfLayoutEditor</name>
    <message>
        <location filename="../../ui/widgets/shelf_layout.py" line="108" />
        <source>{0} shelves, {1} layers; room for {2} parcels ({3})</source>
        <translation>{0} 个货架，{1} 层；可放 {2} 件包裹（{3}）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/shelf_layout.py" line="113" />
        <source>Shelf</source>
        <translation>货架</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/shelf_layout.py" line="113" />
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/shelf_layout.py" line="113" />
        <source>{0} per layer</source>
        <translation>每层 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/shelf_layout.py" line="115" />
        <source>Add a shelf</source>
        <translation>添加货架</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/shelf_layout.py" line="116" />
        <source>Remove shelf</source>
        <translation>删除货架</translation>
    </message>
</context>
<context>
    <name>ShelvesScreen</name>
    <message>
        <location filename="../../ui/screens/shelves.py" line="186" />
        <source>Shelf {0}</source>
        <translation>货架 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="201" />
        <source>{0} shelves. In use: {1}</source>
        <translation>共 {0} 个货架。已用：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="220" />
        <location filename="../../ui/screens/shelves.py" line="303" />
        <source>Click a layer</source>
        <translation>点击一层货架</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="232" />
        <source>{0} parcels on this layer</source>
        <translation>本层有 {0} 件包裹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="246" />
        <source>Click a layer of the shelf first.</source>
        <translation>请先点击货架的一层。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="262" />
        <source>Shelf {0} added.</source>
        <translation>已添加货架 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="268" />
        <source>Rename shelf</source>
        <translation>重命名货架</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="269" />
        <source>New name for shelf {0}:</source>
        <translation>货架 {0} 的新名称：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="273" />
        <source>Shelf {0} is now {1}.</source>
        <translation>货架 {0} 已改名为 {1}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="279" />
        <location filename="../../ui/screens/shelves.py" line="298" />
        <source>Remove shelf</source>
        <translation>删除货架</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="280" />
        <source>Remove shelf {0} and all its layers?</source>
        <translation>删除货架 {0} 及其所有层？</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="282" />
        <source>Shelf {0} removed.</source>
        <translation>已删除货架 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="287" />
        <source>{0} resized.</source>
        <translation>{0} 容量已修改。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="296" />
        <source>Add shelf…</source>
        <translation>添加货架…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="297" />
        <source>Rename shelf…</source>
        <translation>重命名货架…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="299" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="300" />
        <source>Capacity of this layer (parcels per size)</source>
        <translation>本层容量（各尺寸件数）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="301" />
        <source>Save capacity</source>
        <translation>保存容量</translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="302" />
        <source>Parcels on this layer</source>
        <translation>本层包裹</translation>
    </message>
</context>
<context>
    <name>SignOffBar</name>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="217" />
        <source>Every stocktake is signed off.</source>
        <translation>所有盘点均已签署。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="219" />
        <source>shelf {0}</source>
        <translation>货架 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="220" />
        <source>the whole station</source>
        <translation>全站</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="222" />
        <source>Stocktake #{0} ({1}, {2}, by {3}) waits for the owner's sign-off.</source>
        <translation>盘点 #{0}（{1}，{2}，{3} 盘点）待站长签署。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="226" />
        <source>Only the owner signs off a stocktake.</source>
        <translation>只有站长可以签署盘点。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="246" />
        <source>Stocktake #{0} signed off. Report: {1}</source>
        <translation>盘点 #{0} 已签署。报告：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="262" />
        <source>Owner sign-off…</source>
        <translation>站长签署…</translation>
    </message>
</context>
<context>
    <name>SignOffDialog</name>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="166" />
        <source>Sign off the stocktake</source>
        <translation>签署盘点</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="172" />
        <source>Note (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="177" />
        <source>Owner signs here</source>
        <translation>站长在此签字</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake_parts.py" line="181" />
        <source>Sign off</source>
        <translation>签署</translation>
    </message>
</context>
<context>
    <name>Size</name>
    <message>
        <location filename="../../ui/screens/common.py" line="35" />
        <source>S small</source>
        <translation>S 小件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="36" />
        <source>M medium</source>
        <translation>M 中件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="37" />
        <source>L large</source>
        <translation>L 大件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="38" />
        <source>XL extra large</source>
        <translation>XL 特大件</translation>
    </message>
</context>
<context>
    <name>StaffPage</name>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="308" />
        <source>active</source>
        <translation>在用</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="308" />
        <source>inactive</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="310" />
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="311" />
        <location filename="../../ui/screens/settings_pages.py" line="359" />
        <source>owner</source>
        <translation>站长</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="311" />
        <location filename="../../ui/screens/settings_pages.py" line="358" />
        <source>clerk</source>
        <translation>店员</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="319" />
        <source>Account {0} added.</source>
        <translation>已添加账号 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="325" />
        <source>New PIN set for {0}.</source>
        <translation>已为 {0} 设置新 PIN 码。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="334" />
        <source>Activate selected</source>
        <translation>启用所选账号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="335" />
        <source>Deactivate selected</source>
        <translation>停用所选账号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="340" />
        <source>Select an account in the list first.</source>
        <translation>请先在列表中选择一个账号。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="343" />
        <source>{0} can log in again.</source>
        <translation>{0} 可以重新登录了。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="344" />
        <source>{0} can no longer log in.</source>
        <translation>{0} 已不能登录。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="355" />
        <location filename="../../ui/screens/settings_pages.py" line="356" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="355" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="355" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="357" />
        <source>PIN (4+ characters)</source>
        <translation>PIN 码（至少 4 位）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="360" />
        <source>Add account</source>
        <translation>添加账号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="361" />
        <source>Set new PIN for selected</source>
        <translation>为选中的人设置新 PIN 码</translation>
    </message>
</context>
<context>
    <name>StationPage</name>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="157" />
        <source>Station settings saved ({0} changed).</source>
        <translation>驿站设置已保存（{0} 项更改）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="161" />
        <source>Station name</source>
        <translation>驿站名称</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="161" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="161" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="162" />
        <source>Opening hours</source>
        <translation>营业时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="163" />
        <source>ID check</source>
        <translation>核验身份</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="163" />
        <source>Undo an intake within (min)</source>
        <translation>入库后可撤销时间（分钟）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="164" />
        <source>Reuse a pickup code after (days)</source>
        <translation>取件码重新启用间隔（天）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="168" />
        <source>Parcels a clerk may tick by hand a day (0 = no limit)</source>
        <translation>店员每天可手动勾选的包裹数（0 = 不限）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="169" />
        <source>Lookups finding nobody or several people before a pause (0 = no limit)</source>
        <translation>查无结果或多人匹配的查询次数上限，超过后暂停（0 = 不限）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="171" />
        <source>… within (min)</source>
        <translation>……在多少分钟内</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="174" />
        <source>Cash on delivery, flagged parcels and proxies</source>
        <translation>到付件、标记件和代取</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="175" />
        <source>Flagged parcels and proxies only</source>
        <translation>仅标记件和代取</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="176" />
        <source>Every pickup</source>
        <translation>每次取件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="165" />
        <source>Storage fee: free days</source>
        <translation>滞留费：免费天数</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="166" />
        <source>Storage fee per day after that (0 = none)</source>
        <translation>此后每天滞留费（0 = 不收）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="167" />
        <source>Storage fee cap per parcel (0 = none)</source>
        <translation>每件滞留费上限（0 = 不限）</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../ui/screens/common.py" line="24" />
        <source>On shelf</source>
        <translation>在架</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="25" />
        <source>Picked up</source>
        <translation>已取件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="26" />
        <source>Return pending</source>
        <translation>待退回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="27" />
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="28" />
        <source>Missing</source>
        <translation>丢失</translation>
    </message>
</context>
<context>
    <name>StocktakeScreen</name>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="173" />
        <source>Whole station</source>
        <translation>全站</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="175" />
        <source>Shelf {0}</source>
        <translation>货架 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="178" />
        <source>Slot: not marked</source>
        <translation>货位：未标记</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="217" />
        <source>shelf {0}</source>
        <translation>货架 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="217" />
        <source>the whole station</source>
        <translation>全站</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="220" />
        <source>Resumed the stocktake of {0} started {1}: {2} scans kept. Carry on scanning.</source>
        <translation>已恢复 {1} 开始的{0}盘点：保留 {2} 条扫描。请继续扫描。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="224" />
        <source>Stocktake of {0}: scan a slot marker (@A-2) or pick the slot, then every parcel in it.</source>
        <translation>盘点{0}：先扫描货位标记（@A-2）或选择货位，再扫描其中每个包裹。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="256" />
        <source>There is no slot {0}. Slots are named like A-2.</source>
        <translation>没有货位 {0}。货位名称形如 A-2。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="261" />
        <source>slot not marked</source>
        <translation>未标货位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="262" />
        <source>Now scanning in {0}.</source>
        <translation>正在盘点 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="262" />
        <source>no slot</source>
        <translation>无货位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="269" />
        <source>UNKNOWN: {0} is not at this station. Put it aside for intake.</source>
        <translation>未知：{0} 不在本站记录中。请放到一边待入库。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="276" />
        <source>{0} is already counted.</source>
        <translation>{0} 已计数。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="281" />
        <source>FOUND AGAIN: {0} was missing.</source>
        <translation>找回：{0} 原为缺失。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="284" />
        <source>{0} belongs in {1}, not on this shelf.</source>
        <translation>{0} 应在 {1}，不属于本货架。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="287" />
        <source>MISPLACED: {0} belongs in {1}; found in {2}.</source>
        <translation>错位：{0} 应在 {1}，实际在 {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="290" />
        <source>✓ {0} ({1})</source>
        <translation>✓ {0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="297" />
        <source>The last scan was taken back.</source>
        <translation>已撤回上一条扫描。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="306" />
        <source>Stocktake abandoned: nothing was changed.</source>
        <translation>已放弃盘点：未做任何更改。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="312" />
        <source>Expected {0}</source>
        <translation>应在架 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="313" />
        <source>Found {0}</source>
        <translation>已找到 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="314" />
        <source>Not found yet {0}</source>
        <translation>未找到 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="315" />
        <source>Not expected {0}</source>
        <translation>非预期 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="316" />
        <source>Slot: {0}</source>
        <translation>货位：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="327" />
        <source>Scans ({0})</source>
        <translation>扫描记录（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="332" />
        <source>Apply the result (F12)</source>
        <translation>确认并应用（F12）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="333" />
        <source>Finish (F12)</source>
        <translation>完成（F12）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="356" />
        <source>Check the result below. F12 again applies it: {0} marked MISSING, {1} moved.</source>
        <translation>请核对下方结果。再按 F12 应用：{0} 件标记缺失，{1} 件移位。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="363" />
        <source>Stocktake finished: {0} of {1} found. Unknown parcels can be taken in below.</source>
        <translation>盘点完成：{1} 件中找到 {0} 件。未知包裹可在下方入库。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="380" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="381" />
        <source>Scan a parcel, or a slot marker like @A-2</source>
        <translation>扫描包裹，或货位标记如 @A-2</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="382" />
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="382" />
        <source>Tracking number</source>
        <translation>运单号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="383" />
        <source>Pickup code</source>
        <translation>取件码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="383" />
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="383" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="384" />
        <source>Found</source>
        <translation>找到</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="385" />
        <source>Take back the last scan</source>
        <translation>撤回上一条扫描</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="386" />
        <source>Abandon</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="387" />
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../ui/screens/stocktake.py" line="391" />
        <source>Choose a shelf (or the whole station) and press Start, or just scan.</source>
        <translation>选择货架（或全站）后按“开始”，或直接扫描。</translation>
    </message>
</context>
<context>
    <name>TakenList</name>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="379" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="379" />
        <source>Tracking number</source>
        <translation>快递单号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="379" />
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="380" />
        <source>Pickup code</source>
        <translation>取件码</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="380" />
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="380" />
        <source>Recipient</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="380" />
        <source>Weight</source>
        <translation>重量</translation>
    </message>
</context>
<context>
    <name>TemplatesPage</name>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="139" />
        <source>Your own text</source>
        <translation>自定义文本</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="139" />
        <source>Built-in text</source>
        <translation>内置文本</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="171" />
        <source>Template saved: new messages use it.</source>
        <translation>模板已保存：新消息将使用它。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="179" />
        <source>Arrival (on intake)</source>
        <translation>到件通知（入库时）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="179" />
        <source>Reminder</source>
        <translation>催取提醒</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="180" />
        <source>Last notice before return</source>
        <translation>退回前最后通知</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="181" />
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="181" />
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="192" />
        <source>Insert a placeholder…</source>
        <translation>插入占位符…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="195" />
        <source>E-mail subject</source>
        <translation>邮件主题</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="196" />
        <source>Text</source>
        <translation>正文</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="197" />
        <source>Preview with sample values:</source>
        <translation>示例预览：</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="198" />
        <source>Back to the built-in text</source>
        <translation>恢复内置文本</translation>
    </message>
    <message>
        <location filename="../../ui/screens/outbox_settings.py" line="199" />
        <source>Save template</source>
        <translation>保存模板</translation>
    </message>
</context>
<context>
    <name>TicketDetail</name>
    <message>
        <location filename="../../ui/screens/tickets.py" line="119" />
        <source>none (phone complaint)</source>
        <translation>无（电话投诉）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="120" />
        <source>Parcel: {0}</source>
        <translation>包裹：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="121" />
        <source>Contact: {0}</source>
        <translation>联系方式：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="122" />
        <source>Opened {0} by {1}</source>
        <translation>{0} 由 {1} 创建</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="123" />
        <source>Acknowledge by {0}</source>
        <translation>须在 {0} 前受理</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="124" />
        <source>Acknowledged</source>
        <translation>已受理</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="125" />
        <source>Answer by {0}</source>
        <translation>须在 {0} 前答复</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="126" />
        <source>Claim: {0}</source>
        <translation>索赔：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="128" />
        <source>Resolution: {0}</source>
        <translation>处理结果：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="131" />
        <source>Photos: {0}</source>
        <translation>照片：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="148" />
        <source>Only the owner changes a claim.</source>
        <translation>只有站长可以修改索赔。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="161" />
        <source>Ticket #{0} saved.</source>
        <translation>工单 #{0} 已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="172" />
        <source>Not an amount: type it like 12.50.</source>
        <translation>金额格式不对：请输入如 12.50。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="179" />
        <source>Write the resolution in the note field first.</source>
        <translation>请先在备注栏写明处理结果。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="197" />
        <source>Next step</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="198" />
        <source>Note: what was said or done</source>
        <translation>备注：沟通内容或处理情况</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="205" />
        <source>Change status</source>
        <translation>更改状态</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="206" />
        <source>Record follow-up call</source>
        <translation>记录回访</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="207" />
        <source>Set claim</source>
        <translation>设定索赔</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="208" />
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="209" />
        <source>Resolve</source>
        <translation>结案</translation>
    </message>
</context>
<context>
    <name>Tickets</name>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="36" />
        <source>Damaged</source>
        <translation>破损</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="37" />
        <source>Missing</source>
        <translation>缺件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="38" />
        <source>Refused</source>
        <translation>拒收</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="39" />
        <source>Wrong address</source>
        <translation>地址错误</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="40" />
        <source>Delay</source>
        <translation>延误</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="41" />
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="42" />
        <source>Lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="48" />
        <source>Open</source>
        <translation>待受理</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="49" />
        <source>Acknowledged</source>
        <translation>已受理</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="50" />
        <source>In progress</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="51" />
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="52" />
        <source>Resolved</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="58" />
        <source>Reached</source>
        <translation>已接通</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="59" />
        <source>No answer</source>
        <translation>无人接听</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="60" />
        <source>Call back later</source>
        <translation>稍后回电</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="61" />
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="62" />
        <source>Not satisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="69" />
        <source>Ack late</source>
        <translation>受理超时</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="70" />
        <source>Not acknowledged in time</source>
        <translation>未按时受理</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="73" />
        <source>Answer late</source>
        <translation>答复超时</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="74" />
        <source>Answer overdue</source>
        <translation>答复超时</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="138" />
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets_parts.py" line="139" />
        <source>Pictures</source>
        <translation>图片</translation>
    </message>
</context>
<context>
    <name>TicketsScreen</name>
    <message>
        <location filename="../../ui/screens/tickets.py" line="287" />
        <source>{0} ticket(s), {1} overdue</source>
        <translation>工单 {0} 个，超时 {1} 个</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="309" />
        <source>Ticket #{0} is open for {1}.</source>
        <translation>{1} 已有工单 #{0}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="318" />
        <source>New ticket: choose the kind and write what happened.</source>
        <translation>新建工单：选择类型并填写情况说明。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="329" />
        <source>Ticket #{0} opened: acknowledge it within 5 minutes.</source>
        <translation>工单 #{0} 已创建：请在 5 分钟内受理。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="347" />
        <source>Scan a parcel to open or find its ticket</source>
        <translation>扫描包裹以新建或查找工单</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="348" />
        <source>New ticket (Ctrl+N)</source>
        <translation>新建工单（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="349" />
        <source>Show resolved</source>
        <translation>显示已结案</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="350" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="350" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="350" />
        <source>Parcel</source>
        <translation>包裹</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="351" />
        <source>Contact</source>
        <translation>联系方式</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="351" />
        <source>Opened</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="351" />
        <source>Answer by</source>
        <translation>答复期限</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="352" />
        <source>Claim</source>
        <translation>索赔</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="352" />
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../ui/screens/tickets.py" line="357" />
        <source>Red rows are overdue. Select a ticket to work on it.</source>
        <translation>红色行为超时工单。选择工单进行处理。</translation>
    </message>
</context>
<context>
    <name>UndoPickupDialog</name>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="88" />
        <source>Undoing…</source>
        <translation>正在撤销…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="94" />
        <source>Hand-over {0} is undone.</source>
        <translation>取件 {0} 已撤销。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="96" />
        <source>Put {0} back on {1}, pickup code {2}.</source>
        <translation>请将 {0} 放回 {1}，取件码 {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="99" />
        <source>{0} has a new code: print a new sticker and tell the recipient.</source>
        <translation>{0} 有了新取件码：请打印新标签并通知收件人。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="102" />
        <source>{0} was full: it now holds one parcel more than it should. Move one if it does not fit.</source>
        <translation>{0} 原已放满：现在比容量多一件。放不下时请移走一件。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="105" />
        <source>Give {0} back to the customer ({1}).</source>
        <translation>请将 {0} 退还给客户（{1}）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="109" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="128" />
        <source>Undo pickup {0}</source>
        <translation>撤销取件 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="129" />
        <source>Hand-over {0} ({1}, by {2}): {3} parcel(s) go back on the shelf: {4}.</source>
        <translation>取件 {0}（{1}，经办 {2}）：{3} 件包裹将回到货架：{4}。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="133" />
        <source>{0} is reversed in the ledger and goes back to the customer ({1}).</source>
        <translation>{0} 将在账目中冲正并退还给客户（{1}）。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="137" />
        <source>Why? (e.g. handed to the wrong person)</source>
        <translation>原因？（例如：交错了人）</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="138" />
        <source>Undo pickup</source>
        <translation>撤销取件</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="140" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>UndoPickupPanel</name>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="178" />
        <source>Only the owner can undo a pickup. Ask the owner to log in.</source>
        <translation>只有站长可以撤销取件。请站长登录。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="181" />
        <source>Collected on {0}: only a pickup of today can be undone. If the parcel came back, take it in again.</source>
        <translation>取件日期 {0}：只能撤销当天的取件。如果包裹已退回站点，请重新入库。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_undo_dialog.py" line="212" />
        <source>Undo pickup…</source>
        <translation>撤销取件…</translation>
    </message>
</context>
<context>
    <name>VoidDialog</name>
    <message>
        <location filename="../../ui/screens/send_list.py" line="194" />
        <source>Void send {0}</source>
        <translation>作废寄件 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="197" />
        <source>Void {0} to {1} ({2})? The payment is reversed in the ledger; give the money back to the sender.</source>
        <translation>作废寄给 {1} 的 {0}（{2}）？款项将在账本中冲正，请把钱退还寄件人。</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="204" />
        <source>Reason (required), e.g. sender changed mind</source>
        <translation>原因（必填），如：寄件人改变主意</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_list.py" line="209" />
        <source>Void the send</source>
        <translation>作废寄件</translation>
    </message>
</context>
<context>
    <name>WaybillResult</name>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="146" />
        <source>Waybill</source>
        <translation>运单号</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_quote.py" line="153" />
        <source>The waybill number of the send appears here.</source>
        <translation>寄件的运单号显示在这里。</translation>
    </message>
</context>
<context>
    <name>WeightDisplay</name>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="66" />
        <location filename="../../ui/widgets/weight_display.py" line="78" />
        <source>No scale</source>
        <translation>无电子秤</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="66" />
        <source>No scale is connected.</source>
        <translation>未连接电子秤。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="69" />
        <source>Stable weight</source>
        <translation>重量已稳定</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="71" />
        <source>{weight} moving</source>
        <translation>{weight} 未稳定</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="71" />
        <source>Moving</source>
        <translation>未稳定</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="72" />
        <source>Wait until the scale settles.</source>
        <translation>请等待电子秤稳定。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="74" />
        <source>Overload</source>
        <translation>超载</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="74" />
        <source>Too heavy for the scale.</source>
        <translation>超出电子秤量程。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="76" />
        <source>Under zero</source>
        <translation>低于零点</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="76" />
        <source>Empty the scale and press Zero.</source>
        <translation>请清空秤盘并按置零。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="78" />
        <source>The scale does not answer.</source>
        <translation>电子秤无响应。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="79" />
        <source>Scale error</source>
        <translation>电子秤错误</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="79" />
        <source>The scale sent bad data.</source>
        <translation>电子秤发送的数据有误。</translation>
    </message>
</context>
<context>
    <name>Zone</name>
    <message>
        <location filename="../../ui/screens/send_common.py" line="27" />
        <source>same city</source>
        <translation>同城</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="28" />
        <source>same province</source>
        <translation>省内</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="29" />
        <source>neighbouring provinces</source>
        <translation>区域内</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="30" />
        <source>nationwide</source>
        <translation>全国</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="31" />
        <source>remote regions</source>
        <translation>偏远地区</translation>
    </message>
    <message>
        <location filename="../../ui/screens/send_common.py" line="32" />
        <source>Hong Kong, Macau, Taiwan</source>
        <translation>港澳台</translation>
    </message>
</context>
</TS>