/* Turning a metadata command string into argv and running or exec'ing it. */
#ifndef PSPF_COMMAND_H
#define PSPF_COMMAND_H

/* Splits on whitespace, honouring '...' and "..." (backslash escapes inside double quotes). NULL-terminated. */
char **split_command(const char *cmd, int *argc_out);

/* argv[0] with a '/' is used if it exists, else looked up by its basename on PATH (the reference's rule). */
char *resolve_executable(const char *argv0, const char *path);

/* Runs argv to completion with envp, stdout/stderr appended to log_fd; returns the exit status (or -1). */
int run_command(char **argv, char **envp, int log_fd);

#endif
