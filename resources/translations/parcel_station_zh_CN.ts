<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AddShelfDialog</name>
    <message>
        <location filename="../../ui/screens/shelves.py" line="80"/>
        <source>Add a shelf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="84"/>
        <source>1-3 letters, e.g. E</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="90"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="91"/>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="92"/>
        <source>Parcels per layer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CarriersPage</name>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="197"/>
        <source>Carrier terms saved ({0} changed).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="201"/>
        <source>Carrier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="201"/>
        <source>Return after (days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="202"/>
        <source>Remind after (days)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CounterPage</name>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="113"/>
        <location filename="../../ui/screens/settings_local.py" line="187"/>
        <location filename="../../ui/screens/settings_local.py" line="188"/>
        <source>None: save PDF files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="140"/>
        <source>This counter&apos;s settings are saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="142"/>
        <source>The new database is used from the next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="150"/>
        <source>Station database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="151"/>
        <source>Station database (*.db);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="157"/>
        <location filename="../../ui/screens/settings_local.py" line="180"/>
        <source>Backup folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="165"/>
        <source>Choose a backup folder first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="167"/>
        <source>Backing up…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="169"/>
        <source>Backup saved: {0} ({1} parcels).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="172"/>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="173"/>
        <source>Counter name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="174"/>
        <source>Lock the screen after idle (min)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="175"/>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="176"/>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="177"/>
        <location filename="../../ui/screens/settings_local.py" line="181"/>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="178"/>
        <source>A file path, or postgresql://user:password@host/name for a station with several counters. Used from the next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="182"/>
        <source>Back up now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="183"/>
        <source>Label printer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="184"/>
        <source>Receipt printer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="185"/>
        <source>Print a shelf sticker for every intake</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DamageDialog</name>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="250"/>
        <source>Damaged parcel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="253"/>
        <source>What is damaged? (wet, torn, crushed, open…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="261"/>
        <source>Take photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="268"/>
        <source>Mark damaged (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="277"/>
        <source>No camera connected: describe the damage.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="280"/>
        <source>Camera: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="295"/>
        <source>Photo saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="227"/>
        <source>Scale settings saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_local.py" line="230"/>
        <source>The scale of this counter. Without one, weights are typed at intake.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../ui/screens/common.py" line="113"/>
        <source>Unexpected problem: {0}. Nothing further was changed; please report it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="121"/>
        <source>Wrong PIN ({0} tries left before the account locks).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="124"/>
        <source>Unknown user name or wrong PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="127"/>
        <source>This account is locked after too many wrong PINs. Try again in {0} min, or ask the owner to reset the PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="133"/>
        <source>{0} is already here: {1}, pickup code {2} ({3}). Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="142"/>
        <source>This number is not in a loaded manifest: type the recipient&apos;s phone number (or the last 4 digits and extension from a privacy label).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="148"/>
        <source>This recipient asked for door delivery. Call them and tick &apos;Consent by phone call&apos;, or give the parcel back to the courier.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="154"/>
        <source>No shelf has room for a size-{0} parcel. Free some space, add a layer or shelf, or choose another size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="160"/>
        <source>An ID check is needed for this pickup (cash on delivery, proxy pickup or station policy): enter the ID type and number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="166"/>
        <source>The name on the ID does not match. Do not hand over the parcel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="170"/>
        <source>The ID number is not valid: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="172"/>
        <source>Too many failed ID checks for this parcel. Only the owner can hand it over now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="177"/>
        <source>Cash on delivery is due: choose cash, WeChat Pay, Alipay or card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="181"/>
        <source>The cash tendered is less than the amount due.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="183"/>
        <source>These parcels belong to different people. Hand them over separately.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="187"/>
        <source>{0} cannot be handed out: it is {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="191"/>
        <source>Another counter has just handed out one of these parcels. Look them up again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="196"/>
        <source>The station database is busy. Wait a moment and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="198"/>
        <source>The station database cannot be used: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="200"/>
        <source>Only the station owner can do this. Ask the owner to log in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="202"/>
        <source>No such parcel at this station: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="206"/>
        <source>{0} is full for this size: choose another slot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="210"/>
        <source>Shelf {0} still holds {1} parcels: move them first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IdCheckDialog</name>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="123"/>
        <source>Type the number printed on the document.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="129"/>
        <source>✓ The number is valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="137"/>
        <source>Type the proxy&apos;s name first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="141"/>
        <source>Type the name on the document.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="145"/>
        <source>✗ Does not match {0}: do not hand over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="150"/>
        <source>✓ Matches {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="179"/>
        <source>ID check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="181"/>
        <source>Proxy pickup for {0}: check the proxy&apos;s ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="184"/>
        <source>Check the ID of {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="185"/>
        <source>Someone else collects (proxy pickup)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="186"/>
        <source>Proxy&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="187"/>
        <source>Proxy&apos;s phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="188"/>
        <source>Document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="189"/>
        <source>Number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="190"/>
        <source>Name on the document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="193"/>
        <source>Confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup_dialogs.py" line="194"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IdType</name>
    <message>
        <location filename="../../ui/screens/common.py" line="59"/>
        <source>Resident ID card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="60"/>
        <source>Passport</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="61"/>
        <source>Hong Kong/Macau permit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="62"/>
        <source>Taiwan permit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="63"/>
        <source>Other document</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IntakeScreen</name>
    <message>
        <location filename="../../ui/screens/intake.py" line="193"/>
        <source>Size for the next scans: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="205"/>
        <source>{0} is already waiting for the recipient&apos;s details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="211"/>
        <source>Checking {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="228"/>
        <source>ALREADY ON THE SHELF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="231"/>
        <source>{0} is already here: {1}, pickup code {2}. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="245"/>
        <source>{0} needs the recipient&apos;s details: it waits behind {1} ({2} waiting).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="253"/>
        <source>NOT TAKEN IN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="261"/>
        <source>{0}: the recipient asked for door delivery. Call for consent first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="265"/>
        <source>{0} is not in a loaded manifest: type the phone number, Enter, name, Enter, size, Enter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="267"/>
        <source>WHO IS IT FOR?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="284"/>
        <source>Taking in {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="312"/>
        <source>{0} was not taken in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="326"/>
        <source>Put it on {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="328"/>
        <source> — marked damaged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="329"/>
        <source>Taken in: {0} → {1}, code {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="356"/>
        <source>Taken in this session: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="363"/>
        <source>Sticker saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="372"/>
        <source>Sticker not printed: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="385"/>
        <source>Damaged: {0} (goes with the next parcel)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="402"/>
        <source>UNDONE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="403"/>
        <source>Take {0} off the shelf and scan it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="405"/>
        <source>Intake of {0} was undone; its slot is free again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="421"/>
        <source>Scan (F1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="422"/>
        <source>Scan or type the tracking number, Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="423"/>
        <source>Size (Ctrl+1–4):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="424"/>
        <source>Damaged… (F6)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="425"/>
        <source>Undo last intake (Ctrl+Z)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="427"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="427"/>
        <source>Tracking number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="427"/>
        <source>Carrier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="428"/>
        <source>Pickup code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="428"/>
        <source>Slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="428"/>
        <source>Recipient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="428"/>
        <source>Weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake.py" line="430"/>
        <source>Scan a parcel: its pickup code appears here</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../ui/screens/common.py" line="70"/>
        <source>en</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <location filename="../../ui/screens/login.py" line="134"/>
        <source>Screen locked. Type your PIN to continue, or log in as another user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="156"/>
        <source>The station database is not open yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="160"/>
        <source>Type your user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="164"/>
        <source>Type your PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="169"/>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="200"/>
        <source>The lock has expired: you can try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="203"/>
        <source>This account is locked after too many wrong PINs. Try again in {0} min, or ask the owner to reset the PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="208"/>
        <source>Station database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="209"/>
        <source>Station database (*.db);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="226"/>
        <source>Parcel Station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="228"/>
        <source>Locked by {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="230"/>
        <source>Log in to start your shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="231"/>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="232"/>
        <source>PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="233"/>
        <source>e.g. amy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="234"/>
        <source>Log in (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/login.py" line="235"/>
        <source>Choose another database file…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="160"/>
        <source>Opening the station database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="300"/>
        <source>Intake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="300"/>
        <source>Pickup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="301"/>
        <source>Parcels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="301"/>
        <source>Shelves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="302"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="306"/>
        <source>Lock (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="307"/>
        <source>Parcel Station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="321"/>
        <source>Not logged in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="323"/>
        <source>owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="323"/>
        <source>clerk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="324"/>
        <source>Clerk: {0} ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="325"/>
        <source>Counter: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="327"/>
        <source>Database: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="329"/>
        <source>Database: not open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="331"/>
        <source>Scale: none (type weights)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="333"/>
        <source>Scale: {0} g</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="335"/>
        <source>Scale: waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="338"/>
        <source>Label printer: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="340"/>
        <source>Label printer: none (PDF files)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ParcelDetail</name>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="127"/>
        <location filename="../../ui/screens/parcel_detail.py" line="218"/>
        <source>Select a parcel to see its history.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="166"/>
        <source>Type the slot to move to, e.g. B-2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="174"/>
        <source>{0}: now {1}, {2}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="184"/>
        <source>Taken in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="184"/>
        <source>Picked up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="185"/>
        <source>Moved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="185"/>
        <source>Marked for return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="186"/>
        <source>Return cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="187"/>
        <source>Handed to courier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="188"/>
        <source>Marked missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="188"/>
        <location filename="../../ui/screens/parcel_detail.py" line="211"/>
        <source>Found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="189"/>
        <source>ID check failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="199"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="199"/>
        <source>Pickup code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="199"/>
        <source>Slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="200"/>
        <source>Recipient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="200"/>
        <source>Carrier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="200"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="200"/>
        <source>Weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="201"/>
        <source>COD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="201"/>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="201"/>
        <source>Left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="201"/>
        <source>Days here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="202"/>
        <source>Damage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="205"/>
        <source>Actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="206"/>
        <source>New slot, e.g. B-2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="207"/>
        <source>Move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="208"/>
        <source>Mark for return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="209"/>
        <source>Cancel return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="210"/>
        <source>Mark missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="212"/>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="213"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="213"/>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcel_detail.py" line="214"/>
        <source>Who / detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ParcelTableModel</name>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="66"/>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="67"/>
        <source>Tracking number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="68"/>
        <source>Carrier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="70"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="71"/>
        <source>Pickup code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="72"/>
        <source>Slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="73"/>
        <source>Recipient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="74"/>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="75"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="76"/>
        <source>Weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="77"/>
        <source>COD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="78"/>
        <source>Days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="79"/>
        <source>Picked up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/models/parcel_table.py" line="183"/>
        <source>This column cannot be sorted on a large station.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ParcelsScreen</name>
    <message>
        <location filename="../../ui/screens/parcels.py" line="147"/>
        <location filename="../../ui/screens/parcels.py" line="223"/>
        <location filename="../../ui/screens/parcels.py" line="228"/>
        <location filename="../../ui/screens/parcels.py" line="256"/>
        <location filename="../../ui/screens/parcels.py" line="258"/>
        <source>All shelves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="157"/>
        <source>Counting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="185"/>
        <source>Sort by received time, tracking number, carrier, status or pickup code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="200"/>
        <source>Counting… ({0} shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="202"/>
        <source>{0} parcels ({1} loaded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="245"/>
        <source>Tracking number, pickup code, phone, last 4 digits or name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="247"/>
        <source>All statuses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="247"/>
        <source>At the station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="249"/>
        <source>All carriers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="252"/>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="252"/>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="253"/>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="253"/>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="259"/>
        <source>Overdue only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/parcels.py" line="260"/>
        <source>Clear filters</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Payment</name>
    <message>
        <location filename="../../ui/screens/common.py" line="49"/>
        <source>Cash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="50"/>
        <source>WeChat Pay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="51"/>
        <source>Alipay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="52"/>
        <source>Card</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PaymentBox</name>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="102"/>
        <source>Choose how {0} is paid: Ctrl+1 cash, Ctrl+2 WeChat Pay, Ctrl+3 Alipay, Ctrl+4 card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="109"/>
        <source>The cash tendered is less than {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="127"/>
        <source>Cash on delivery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="128"/>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="131"/>
        <source>Cash tendered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="132"/>
        <source>exact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/payment_box.py" line="133"/>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PickupScreen</name>
    <message>
        <location filename="../../ui/screens/pickup.py" line="216"/>
        <source>Looking up {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="224"/>
        <source>Nothing on the shelf for {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="235"/>
        <source>{0}  {1}  (parcels: {2})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="243"/>
        <source>{0} people match {1}: ask for the name, type it and press Enter (or pick one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="267"/>
        <source>No one with {0} is called {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="270"/>
        <source>Several people match that name: pick one from the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="294"/>
        <source>ID check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="296"/>
        <source>damaged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="309"/>
        <source>{0}: parcels on the shelf: {1}. Fetch them and scan each barcode.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="318"/>
        <source>{0} is already checked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="325"/>
        <source>✓ {0} ({1}). {2} more to scan.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="328"/>
        <source>✓ All checked ({0}). Enter or F12 completes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="332"/>
        <source>WRONG PARCEL: {0} is not for this person. Put it back! (Esc starts over for the next person.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="366"/>
        <source>Look up a person first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="369"/>
        <source>Proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="369"/>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="370"/>
        <source>✓ {0} checked: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="372"/>
        <source>ID check needed (F7).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="374"/>
        <source>No ID check needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="396"/>
        <source>Scan each parcel&apos;s barcode first ({0} to scan).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="399"/>
        <source>An ID check is needed before handing over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="416"/>
        <source>Handing over…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="425"/>
        <source>Handed over to {1}: {0} parcel(s). Receipt {2}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="428"/>
        <source>CHANGE {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="430"/>
        <source>Paid {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="432"/>
        <source>{0} not scanned stay on the shelf.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="465"/>
        <source>Next person: scan or type the pickup code, phone number or last 4 digits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="477"/>
        <source>Find (F2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="478"/>
        <source>Pickup code, phone, last 4 digits or tracking number, Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="480"/>
        <source>Next person (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="481"/>
        <source>Several people: which one?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="482"/>
        <source>Type the name, Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="484"/>
        <source>Pickup code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="484"/>
        <source>Slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="484"/>
        <source>Tracking number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="485"/>
        <source>Carrier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="485"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="485"/>
        <source>COD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="485"/>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="486"/>
        <source>Identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="487"/>
        <source>Check ID (F7)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="488"/>
        <source>Proxy pickup (F8)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="489"/>
        <source>Signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="490"/>
        <source>Sign here (mouse, pen or finger)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="492"/>
        <source>Clear signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/pickup.py" line="493"/>
        <source>Complete hand-over (F12)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecipientForm</name>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="163"/>
        <source>This recipient asked for door delivery: call them for consent, then tick &apos;Consent by phone call&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="189"/>
        <source>Type the recipient&apos;s phone number (or the last 4 digits and the extension from a privacy label).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="218"/>
        <source>Not in a manifest: who is it for?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="219"/>
        <source>Parcel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="219"/>
        <source>Carrier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="219"/>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="219"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="220"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="220"/>
        <source>Weight (g)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="220"/>
        <source>Cash on delivery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="223"/>
        <source>13812345678, or 5678-123 from a privacy label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="224"/>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="228"/>
        <source>not weighed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="229"/>
        <source>Consent by phone call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="230"/>
        <source>Take in (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/intake_form.py" line="231"/>
        <source>Skip (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScaleSettingsPage</name>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="67"/>
        <source>A serial port, or socket://HOST:PORT for a network scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="68"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="73"/>
        <location filename="../../ui/widgets/scale_settings.py" line="77"/>
        <source>Usual for the protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="80"/>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="90"/>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="91"/>
        <source>Protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="92"/>
        <source>Baud rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="93"/>
        <source>Data bits / parity / stop bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="122"/>
        <source>{path} — USB HID scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="178"/>
        <source>Choose a port first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/scale_settings.py" line="181"/>
        <source>Connecting to {port} …</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScaleWorker</name>
    <message>
        <location filename="../../ui/scale_worker.py" line="118"/>
        <source>No scale is set up.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <location filename="../../ui/screens/settings.py" line="96"/>
        <source>Station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="96"/>
        <source>Carriers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="96"/>
        <source>Staff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="97"/>
        <source>This counter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="97"/>
        <source>Scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="100"/>
        <source>Only the station owner can change these settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings.py" line="101"/>
        <source>Save (Ctrl+S)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShelvesScreen</name>
    <message>
        <location filename="../../ui/screens/shelves.py" line="176"/>
        <source>Shelf {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="191"/>
        <source>{0} shelves. In use: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="210"/>
        <location filename="../../ui/screens/shelves.py" line="294"/>
        <source>Click a layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="222"/>
        <source>{0} parcels on this layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="236"/>
        <source>Click a layer of the shelf first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="253"/>
        <source>Shelf {0} added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="259"/>
        <source>Rename shelf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="260"/>
        <source>New name for shelf {0}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="264"/>
        <source>Shelf {0} is now {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="270"/>
        <location filename="../../ui/screens/shelves.py" line="289"/>
        <source>Remove shelf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="271"/>
        <source>Remove shelf {0} and all its layers?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="273"/>
        <source>Shelf {0} removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="278"/>
        <source>{0} resized.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="287"/>
        <source>Add shelf…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="288"/>
        <source>Rename shelf…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="290"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="291"/>
        <source>Capacity of this layer (parcels per size)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="292"/>
        <source>Save capacity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/shelves.py" line="293"/>
        <source>Parcels on this layer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Size</name>
    <message>
        <location filename="../../ui/screens/common.py" line="39"/>
        <source>S small</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="40"/>
        <source>M medium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="41"/>
        <source>L large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="42"/>
        <source>XL extra large</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StaffPage</name>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="246"/>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="246"/>
        <source>inactive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="248"/>
        <source>locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="249"/>
        <location filename="../../ui/screens/settings_pages.py" line="276"/>
        <source>owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="249"/>
        <location filename="../../ui/screens/settings_pages.py" line="275"/>
        <source>clerk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="257"/>
        <source>Account {0} added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="263"/>
        <source>New PIN set for {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="272"/>
        <location filename="../../ui/screens/settings_pages.py" line="273"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="272"/>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="272"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="274"/>
        <source>PIN (4+ characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="277"/>
        <source>Add account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="278"/>
        <source>Set new PIN for selected</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StationPage</name>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="123"/>
        <source>Station settings saved ({0} changed).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="127"/>
        <source>Station name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="127"/>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="127"/>
        <source>Opening hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="128"/>
        <source>ID check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="128"/>
        <source>Undo an intake within (min)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="129"/>
        <source>Reuse a pickup code after (days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="132"/>
        <source>Cash on delivery, flagged parcels and proxies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="133"/>
        <source>Flagged parcels and proxies only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/settings_pages.py" line="134"/>
        <source>Every pickup</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../ui/screens/common.py" line="28"/>
        <source>On shelf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="29"/>
        <source>Picked up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="30"/>
        <source>Return pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="31"/>
        <source>Returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/screens/common.py" line="32"/>
        <source>Missing</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WeightDisplay</name>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="66"/>
        <location filename="../../ui/widgets/weight_display.py" line="78"/>
        <source>No scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="66"/>
        <source>No scale is connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="69"/>
        <source>Stable weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="71"/>
        <source>{weight} moving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="71"/>
        <source>Moving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="72"/>
        <source>Wait until the scale settles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="74"/>
        <source>Overload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="74"/>
        <source>Too heavy for the scale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="76"/>
        <source>Under zero</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="76"/>
        <source>Empty the scale and press Zero.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="78"/>
        <source>The scale does not answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="79"/>
        <source>Scale error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/weight_display.py" line="79"/>
        <source>The scale sent bad data.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
