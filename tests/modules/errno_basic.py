# errno constants and errorcode; OSError formatting with an errno.
import errno

print(errno.ENOENT, errno.EIO, errno.EINVAL, errno.EAGAIN, errno.EEXIST)
print(errno.errorcode[errno.ENOENT], errno.errorcode[errno.ETIMEDOUT])
try:
    raise OSError(errno.ENOENT, "no such file")
except OSError as e:
    print(e.errno == errno.ENOENT, e.args)
