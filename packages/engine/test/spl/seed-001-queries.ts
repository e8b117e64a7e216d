/**
 * Every SPL search of seed 001 (the BOTSv2 "Hunting an APT" walkthrough), verbatim. The seed's
 * data is indexed as `botsv2`; generated files loaded into Quarry carry no index, and
 * `index=botsv2` matches events without one, so the text needs no mapping.
 */
export const SEED_001 = {
  metadata: `| metadata type=sourcetypes index=botsv2 
| eval firstTime=strftime(firstTime,"%Y-%m-%d %H:%M:%S") 
| eval lastTime=strftime(lastTime,"%Y-%m-%d %H:%M:%S") 
| eval recentTime=strftime(recentTime,"%Y-%m-%d %H:%M:%S") 
| sort - totalCount 
| eventstats count as Total_source min(firstTime) as first ,max(lastTime) as last`,
  tstatsReshape: `| tstats count WHERE (index=botsv2) BY sourcetype _time span=1d prestats=t
| timechart count span=1d limit=0  by sourcetype
| untable _time log count
| eval time=strftime(_time,"%Y-%m-%d")
| xyseries log time count
| addtotals
| sort - Total`,
  sslBySrcDest: `ssl_issuer_country=* index=botsv2 sourcetype=stream:tcp
| stats earliest(_time) as _time values(ssl_subject) as ssl_subject values(ssl_issuer) as ssl_issuer
, values(ssl_serial) as ssl_serial values(ssl_hash) as ssl_hash count by src, dest
| table _time src dest ssl* count`,
  sslIssuerCUS: `ssl_issuer="C = US" index=botsv2 sourcetype=stream:tcp
| stats count earliest(_time) as firstTime latest(_time) as lastTime by src_ip, dest_ip
| eval firstTime=strftime(firstTime,"%c") 
| eval lastTime=strftime(lastTime, "%c") 
| sort - count`,
  trafficByAction: `index=botsv2 service3 action=allowed
| timechart count by action`,
  trafficByProtocol: `index=botsv2 service3 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR sourcetype=pan:traffic
| timechart count(eval(searchmatch("tcp"))) as tcp  count(eval(searchmatch("udp"))) as udp count(eval(dest_port==443)) as https`,
  trafficByApp: `index=botsv2 service3 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR sourcetype=pan:traffic
| eval APP=coalesce(app,Image)
| stats count by APP`,
  trafficByDestPort: `index=botsv2 service3 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR sourcetype=pan:traffic
| stats count by dest_port`,
  trafficByAppPort: `index=botsv2 service3 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR sourcetype=pan:traffic
| eval APP=coalesce(app,Image)
| eval APP_destPort = APP."_".dest_port
| stats count  by APP_destPort`,
  processesOverTime: `index=botsv2 service3 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational
| timechart count by process_exec`,
  processesBySystem: `index=botsv2 service3 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational
| timechart count by Computer`,
  applicationState: `index=botsv2 service3 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational
| table _time process_exec process_name user dest dest_port transport`,
  whereElse: `index=botsv2 (whoami.exe OR ftp.exe OR schtasks.exe)
| eventstats count as total by process_exec
| chart usenull=f count values(total) as total over host by process_exec
| foreach count:* total:*
    [eval perc_<<MATCHSTR>>=round('count:<<MATCHSTR>>' / 'total:<<MATCHSTR>>' * 100,2)]
| fields - total*`,
  parentChild: `index=botsv2 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational (CommandLine=*powershell*-enc* OR  ParentCommandLine=*powershell*-enc*) (host=wrk-btun OR host=mercury) 
| rex field=ParentCommandLine "(?<cmd_tmp>[^ ]+)" 
| eval cmd_tmp=rtrim(cmd_tmp,"\\"") 
| rex field=cmd_tmp "(?<cmd>[^\\\\\\]+$)"
| rex field=app "\\\\\\(?<APP>[^\\\\\\]+$)"
| eval Parent=ParentProcessId."_".cmd, Child=ProcessId."_".APP
| stats count by Parent Child`,
} as const;
