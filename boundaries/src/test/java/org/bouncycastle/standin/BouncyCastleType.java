package org.bouncycastle.standin;

/** Stands in for a Bouncy Castle class in the rules' own tests. */
public class BouncyCastleType {}
