package dev.cleanroom.server.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the one resource method that {@link AuthenticationFilter} lets through without credentials:
 * the console's sign-in, which checks the API key its body carries itself.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuthenticatesItself {}
