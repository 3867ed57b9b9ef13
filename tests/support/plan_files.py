# ruff: noqa: E501 -- the rows are as the tools write them, one line each
"""Plans as Jira, Asana and Microsoft Project export them to CSV, written by their documented
conventions:

- Jira: Atlassian, "Export Jira issues to CSV" (Jira Cloud, all fields): one column per field
  (Summary, Issue key, Issue id, Parent, Due date as dd/MMM/yy h:mm a, Original Estimate in
  seconds) and one "Inward issue link (Blocks)" column per issue blocking this one.
- Asana: Asana Help Center, "Exporting a project to CSV": Task ID, Completed At, Name,
  Section/Column, Assignee, Assignee Email, Start Date, Due Date (YYYY-MM-DD), Parent task (the
  parent's name), Blocked By (Dependencies) (task ids).
- Microsoft Project: "Save As" CSV with the task export map: ID, Name, Duration (`3 days`),
  Start/Finish in the default date format (`Tue 12/1/26`), Predecessors (`2FS+2 days`),
  Outline Level, Resource Names (`Name[50%]` for a part-time assignment), Milestone (Yes/No).

The people are the test workspace's (tests/conftest.py): Carol Díaz is on the planned team,
Pat Okafor is in the workspace but not on it, Zed Nobody is no one.
"""

from __future__ import annotations

JIRA = """\
Summary,Issue key,Issue id,Issue Type,Status,Parent,Assignee,Due date,Original Estimate,Inward issue link (Blocks),Inward issue link (Blocks)
Release 2.0,REL-1,10001,Epic,In Progress,,,,,,
Design API,REL-2,10002,Story,Done,10001,Carol Díaz,04/Dec/26 12:00 AM,57600,,
Build API,REL-3,10003,Story,To Do,10001,Pat Okafor,,86400,REL-2,
Write docs,REL-4,10004,Task,To Do,,Zed Nobody,15/Dec/26 12:00 AM,28800,REL-2,REL-3
"""

ASANA = """\
Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,Assignee Email,Start Date,Due Date,Tags,Notes,Projects,Parent task,Blocked By (Dependencies),Blocking (Dependencies)
1205000000000003,2026-11-20,,2026-11-21,Pages,Launch,Alice Chen,alice@example.com,2026-12-07,2026-12-09,,,Web,Launch site,1205000000000002,
1205000000000001,2026-11-20,,2026-11-21,Launch site,Launch,,,,,,,Web,,,
1205000000000002,2026-11-20,2026-11-30,2026-11-30,Copy,Launch,Carol Díaz,carol@example.com,2026-12-01,2026-12-03,,,Web,Launch site,,1205000000000003
"""

MS_PROJECT = """\
ID,Name,Duration,Start,Finish,Predecessors,Outline Level,Resource Names,Milestone
1,Release,7 days,Tue 12/1/26,Wed 12/9/26,,1,,No
2,Design,3 days,Tue 12/1/26,Thu 12/3/26,,2,Carol Díaz,No
3,Build,2 days,Tue 12/8/26,Wed 12/9/26,2FS+2 days,2,Carol Díaz[50%],No
4,Beta,0 days,Wed 12/9/26,Wed 12/9/26,3,1,,Yes
"""
