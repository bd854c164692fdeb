@echo off
rem Starts Terroir on Windows: from cmd (bin\terroir), PowerShell (.\bin\terroir.cmd or & "...\terroir.cmd") or a
rem double-click in Explorer. Same options as bin/terroir (terroir --help): without arguments the interactive shell,
rem and the page opens in the browser; --server serves until Ctrl-C; -c "commands" runs them and exits with their
rem status. Java: the runtime bundled in runtime\ when the package has one, else JAVA_HOME, else java on the PATH
rem (17 or newer, not 25). JAVA_OPTS passes options to the JVM.
setlocal EnableExtensions DisableDelayedExpansion
rem The distribution folder: this file's folder's parent, without a trailing backslash (spaces allowed).
for %%I in ("%~dp0..") do set "DIST=%%~fI"
if exist "%DIST%\runtime\bin\java.exe" (
  set "JAVA=%DIST%\runtime\bin\java.exe"
) else if defined JAVA_HOME (
  set "JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "JAVA=java"
)
rem UTF-8 on the console for the French texts; the previous code page is given back at the end.
set "OLDCP="
for /f "tokens=2 delims=:" %%C in ('chcp') do set "OLDCP=%%C"
rem "Active code page: 850" or "Aktive Codepage: 850." : the number alone
if defined OLDCP set "OLDCP=%OLDCP: =%"
if defined OLDCP set "OLDCP=%OLDCP:.=%"
chcp 65001 >nul 2>&1
"%JAVA%" %JAVA_OPTS% -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8 "-Dterroir.dist=%DIST%" -cp "%DIST%\lib\terroir-launcher.jar;%DIST%\lib\org.apache.felix.framework.jar" org.terroir.launcher.Main %*
set "STATUS=%ERRORLEVEL%"
if defined OLDCP chcp %OLDCP% >nul 2>&1
rem Started by a double-click (no arguments, a cmd.exe /c of its own), the window would close before its last line
rem could be read: on failure, wait for a key. Scripts (with arguments) never wait.
if "%STATUS%"=="0" goto done
if not "%~1"=="" goto done
setlocal EnableDelayedExpansion
echo(!CMDCMDLINE!| find /i " /c " >nul 2>&1 && pause
endlocal
:done
endlocal & exit /b %STATUS%
