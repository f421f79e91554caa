package dev.scratchnet.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says in words why a file operation failed. The JDK's exceptions for a missing file or a denied permission
 * carry only the path as their message, which on its own tells a user nothing.
 */
public final class FileErrors {

    private FileErrors() {
    }

    /** "PATH: what went wrong" for file-system errors, else the exception's own message. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() == null) {
            return f.getFile() == null ? what(e) : f.getFile() + ": " + what(e);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** What went wrong, without the path. */
    public static String what(IOException e) {
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason()
                    : e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NotDirectoryException ? "not a folder"
                    : e instanceof FileAlreadyExistsException ? "already exists"
                    : e instanceof DirectoryNotEmptyException ? "a folder that is not empty"
                    : e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
